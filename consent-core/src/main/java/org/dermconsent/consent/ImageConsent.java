package org.dermconsent.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * A derm-image-use Consent of one patient (the server hands over only consents of that category).
 *
 * @param id       the reference the decision cites, e.g. "Consent/7"
 * @param status   only active consents count
 * @param dateTime when the consent was given; picks the governing consent. Required by the profile;
 *                 if missing anyway, the consent sorts as the oldest
 * @param root     the root provision; null means the consent says nothing, which under opt-in
 *                 leaves only the default policy (clinical-care)
 */
public record ImageConsent(String id, ConsentStatus status, Instant dateTime, Provision root) {

    public ImageConsent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }

    public boolean isActive() {
        return status == ConsentStatus.ACTIVE;
    }
}
