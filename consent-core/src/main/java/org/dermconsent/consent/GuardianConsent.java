package org.dermconsent.consent;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a consent given by a guardian for a minor stops deciding: at the patient's 18th birthday.
 *
 * <p>The instant is the start of that day in UTC, not in any server's zone, so that every node and
 * the SQL grant labels agree whatever the machines' settings. Someone born on 29 February comes of
 * age on 28 February in years without one ({@link LocalDate#plusYears} keeps the month).
 */
public final class GuardianConsent {

    public static final int AGE_OF_MAJORITY = 18;

    private GuardianConsent() {
    }

    /** The start (UTC) of the patient's 18th birthday. */
    public static Instant majority(LocalDate birthDate) {
        return birthDate.plusYears(AGE_OF_MAJORITY).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * How long a consent governs given who gave it. Only a guardian's consent given while the patient
     * was a minor ends; one given without a date is treated as given while a minor (fail closed). A
     * guardian acting for an adult (or a patient without a birth date) is not limited here.
     *
     * @param byGuardian whether the consent's performer is a guardian (a related person), not the patient
     * @param birthDate  the patient's birth date, or null if unknown
     * @param given      the consent's dateTime, or null
     */
    public static Optional<Instant> governsUntil(boolean byGuardian, LocalDate birthDate, Instant given) {
        if (!byGuardian || birthDate == null) {
            return Optional.empty();
        }
        Instant majority = majority(birthDate);
        return given == null || given.isBefore(majority) ? Optional.of(majority) : Optional.empty();
    }
}
