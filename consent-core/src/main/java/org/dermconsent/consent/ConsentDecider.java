package org.dermconsent.consent;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a patient's image consents permit one use of one image (DESIGN.md section 3).
 *
 * <ol>
 *   <li>Only the governing consent counts: the most recent active one ({@link GoverningConsent}).</li>
 *   <li>Without one, the default policy permits clinical-care and denies everything else; likewise from
 *       the instant a guardian's consent stops governing ({@link ImageConsent#governsUntil()}).</li>
 *   <li>With one, among the provisions that apply (a nested one only if its parent does) the deepest,
 *       i.e. most specific, decides; at equal depth deny beats permit (fail closed), then document
 *       order. So a nested deny inside a permit carves an exception, and a nested permit inside the
 *       opt-in root deny grants.</li>
 *   <li>clinical-care stays permitted unless a deny that explicitly names it (or TREAT) decides:
 *       for a clinical-care request, generic denies such as the opt-in root are not candidates.</li>
 *   <li>Whatever no provision permits is denied.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class ConsentDecider {

    static final String NO_CONSENT_REASON = "No active image consent; only clinical-care is permitted by default";

    /** Deepest first; at equal depth deny first; then earliest in the document. */
    private static final Comparator<MatchedProvision> PRECEDENCE =
            Comparator.comparingInt(MatchedProvision::depth).reversed()
                    .thenComparing(match -> match.type() == ProvisionType.DENY ? 0 : 1)
                    .thenComparingInt(MatchedProvision::order);

    public Decision decide(ImageFacts image, Collection<ImageConsent> consentsOfPatient, AccessRequest request) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(request, "request");
        Optional<ImageConsent> governing = GoverningConsent.select(consentsOfPatient);
        if (governing.isEmpty()) {
            return byDefault(image, request, NO_CONSENT_REASON);
        }
        if (!governing.get().governsAt(request.time())) {
            return byDefault(image, request, governing.get().id() + " was given by a guardian and stopped deciding at "
                    + governing.get().governsUntil() + " (the patient's 18th birthday); only clinical-care is permitted by default");
        }
        return decideUnder(governing.get(), image, request);
    }

    private static Decision decideUnder(ImageConsent consent, ImageFacts image, AccessRequest request) {
        ImageUse purpose = request.purpose();
        // For clinical-care a deny only counts if it names clinical-care: the opt-in root (and any other
        // generic deny) is about secondary uses and must not take the patient's own care away.
        List<MatchedProvision> candidates = ProvisionTree.matching(consent.root(), image, request).stream()
                .filter(match -> purpose != ImageUse.CLINICAL_CARE
                        || match.type() == ProvisionType.PERMIT
                        || ProvisionMatcher.explicitlyNamesClinicalCare(match.provision()))
                .toList();
        Optional<MatchedProvision> deciding = candidates.stream().min(PRECEDENCE);
        if (deciding.isPresent()) {
            return byProvision(consent, deciding.get(), image, request);
        }
        String reason = purpose == ImageUse.CLINICAL_CARE
                ? consent.id() + " does not withdraw clinical-care, which is permitted by default"
                : "No provision of " + consent.id() + " applies to " + purpose.code() + " of "
                        + image.effectiveIdentifiability().code() + " images for this request; "
                        + "uses not permitted are denied";
        return byDefault(image, request, reason);
    }

    private static Decision byProvision(ImageConsent consent, MatchedProvision match, ImageFacts image,
            AccessRequest request) {
        boolean permit = match.type() == ProvisionType.PERMIT;
        String reason = consent.id() + (permit ? " permits " : " denies ") + request.purpose().code() + " of "
                + image.effectiveIdentifiability().code() + " images (" + match.path() + ")";
        return new Decision(permit, reason, consent.id(), match.path(), request.purpose(),
                image.effectiveIdentifiability());
    }

    private static Decision byDefault(ImageFacts image, AccessRequest request, String reason) {
        return new Decision(request.purpose() == ImageUse.CLINICAL_CARE, reason, null, null, request.purpose(),
                image.effectiveIdentifiability());
    }
}
