package org.dermconsent.consent;

import java.util.Collections;

/**
 * Whether one provision, on its own terms (ignoring its parent and children), applies to a request
 * about an image. Every dimension must match; an empty restriction matches everything.
 */
final class ProvisionMatcher {

    private ProvisionMatcher() {
    }

    static boolean matches(Provision provision, ImageFacts image, AccessRequest request) {
        return coversPurpose(provision, request.purpose())
                && coversIdentifiability(provision, image.effectiveIdentifiability())
                && provision.period().contains(request.time())
                && coversActors(provision, request)
                && coversImage(provision, image);
    }

    static boolean coversPurpose(Provision provision, ImageUse purpose) {
        if (provision.purposes().isEmpty()) {
            return true;
        }
        // An unrecognised code must never widen access. In a permit that means it grants nothing; in a
        // deny, ignoring it could let an enclosing permit through, so a deny with any code we do not
        // understand is applied to every purpose (fail closed).
        if (provision.type() == ProvisionType.DENY
                && !provision.purposes().stream().allMatch(PurposeResolver::isRecognised)) {
            return true;
        }
        return provision.purposes().stream().anyMatch(code -> PurposeResolver.coveredBy(code).contains(purpose));
    }

    /**
     * Rule 4 of the default policy: only a deny that names clinical-care (or a code mapped to it,
     * such as v3 TREAT) withdraws it; a generic deny, like the opt-in root, does not.
     */
    static boolean explicitlyNamesClinicalCare(Provision provision) {
        return provision.purposes().stream()
                .anyMatch(code -> PurposeResolver.coveredBy(code).contains(ImageUse.CLINICAL_CARE));
    }

    private static boolean coversIdentifiability(Provision provision, Identifiability identifiability) {
        return provision.identifiability().isEmpty() || provision.identifiability().contains(identifiability);
    }

    private static boolean coversActors(Provision provision, AccessRequest request) {
        // A provision that names actors does not apply to an anonymous request.
        return provision.actors().isEmpty() || !Collections.disjoint(provision.actors(), request.actors());
    }

    private static boolean coversImage(Provision provision, ImageFacts image) {
        return provision.data().isEmpty() || provision.data().stream().anyMatch(image::isNamedBy);
    }
}
