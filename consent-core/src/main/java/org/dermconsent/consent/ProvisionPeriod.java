package org.dermconsent.consent;

import java.time.Instant;

/**
 * When a provision applies: {@code start} inclusive, {@code end} exclusive, either open (null).
 *
 * <p>End is exclusive so that consecutive periods tile time without overlap. The server converts a
 * FHIR {@code Period.end}, which is inclusive at its precision, to the first instant after it
 * (e.g. {@code end = 2025-12-31} becomes {@code 2026-01-01T00:00:00Z} exclusive).
 */
public record ProvisionPeriod(Instant start, Instant end) {

    public static final ProvisionPeriod ALWAYS = new ProvisionPeriod(null, null);

    public static ProvisionPeriod from(Instant start) {
        return new ProvisionPeriod(start, null);
    }

    public static ProvisionPeriod until(Instant end) {
        return new ProvisionPeriod(null, end);
    }

    public static ProvisionPeriod between(Instant start, Instant end) {
        return new ProvisionPeriod(start, end);
    }

    public boolean contains(Instant time) {
        return (start == null || !time.isBefore(start)) && (end == null || time.isBefore(end));
    }
}
