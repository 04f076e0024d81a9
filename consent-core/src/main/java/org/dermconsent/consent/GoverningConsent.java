package org.dermconsent.consent;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the consent that governs a patient's images: the most recent active one. Consents with any
 * other status neither grant nor deny, so withdrawing (inactive) the newest consent hands governance
 * back to the previous active one, if any.
 */
public final class GoverningConsent {

    /**
     * Latest {@code dateTime} wins; a missing dateTime sorts oldest; equal dateTimes fall back to the
     * highest id so that every server node picks the same consent.
     */
    static final Comparator<ImageConsent> RECENCY =
            Comparator.comparing(ImageConsent::dateTime, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
                    .thenComparing(ImageConsent::id);

    private GoverningConsent() {
    }

    public static Optional<ImageConsent> select(Collection<ImageConsent> consentsOfPatient) {
        Objects.requireNonNull(consentsOfPatient, "consentsOfPatient");
        return consentsOfPatient.stream()
                .map(consent -> Objects.requireNonNull(consent, "consent"))
                .filter(ImageConsent::isActive)
                .max(RECENCY);
    }
}
