package org.dermconsent.consent;

/**
 * The outcome for one image, purpose and request.
 *
 * <p>{@code decidingConsent} and {@code decidingProvision} are both set when a provision of a consent
 * decided, and both null when the default policy did (no governing consent, or a governing consent
 * none of whose provisions applies); the reason then names the governing consent, if any.
 *
 * @param permit            whether the use is permitted
 * @param reason            a sentence for people (OperationOutcome, $consent-decision, audit)
 * @param decidingConsent   e.g. "Consent/7"
 * @param decidingProvision FHIRPath-like location in that consent, e.g. "provision.provision[1]"
 * @param purpose           the use decided on
 * @param identifiability   the identifiability the decision assumed (unlabelled = identifiable)
 */
public record Decision(
        boolean permit,
        String reason,
        String decidingConsent,
        String decidingProvision,
        ImageUse purpose,
        Identifiability identifiability) {

    /** True when no consent provision decided, only the default policy. */
    public boolean byDefaultPolicy() {
        return decidingProvision == null;
    }
}
