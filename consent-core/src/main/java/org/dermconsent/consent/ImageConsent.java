package org.dermconsent.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * A derm-image-use Consent of one patient (the server hands over only consents of that category).
 *
 * @param id           the reference the decision cites, e.g. "Consent/7"
 * @param status       only active consents count
 * @param dateTime     when the consent was given; picks the governing consent. Required by the profile;
 *                     if missing anyway, the consent sorts as the oldest
 * @param root         the root provision; null means the consent says nothing, which under opt-in
 *                     leaves only the default policy (clinical-care)
 * @param governsUntil the instant from which the consent no longer decides anything, or null for never
 *                     (a guardian's consent for a minor ends at the patient's majority: see
 *                     {@link GuardianConsent}). It stays the governing consent, so an older consent does
 *                     not come back; from this instant on, only the default policy applies
 */
public record ImageConsent(String id, ConsentStatus status, Instant dateTime, Provision root, Instant governsUntil) {

    public ImageConsent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }

    public ImageConsent(String id, ConsentStatus status, Instant dateTime, Provision root) {
        this(id, status, dateTime, root, null);
    }

    public boolean isActive() {
        return status == ConsentStatus.ACTIVE;
    }

    /** Whether the consent still decides at {@code time} (end exclusive, like provision periods). */
    public boolean governsAt(Instant time) {
        return governsUntil == null || time.isBefore(governsUntil);
    }
}
