package org.dermconsent.consent;

import java.util.Objects;

/**
 * A purpose as written by a client or in a consent provision: a FHIR Coding reduced to system and
 * code. {@code system} is null when the code was given bare (header value without {@code system|}).
 */
public record PurposeCode(String system, String code) {

    public PurposeCode {
        Objects.requireNonNull(code, "code");
    }

    public static PurposeCode of(String system, String code) {
        return new PurposeCode(system, code);
    }

    public static PurposeCode bare(String code) {
        return new PurposeCode(null, code);
    }

    public static PurposeCode of(ImageUse use) {
        return new PurposeCode(ImageUse.SYSTEM, use.code());
    }

    public static PurposeCode of(V3PurposeOfUse purpose) {
        return new PurposeCode(V3PurposeOfUse.SYSTEM, purpose.code());
    }

    @Override
    public String toString() {
        return system == null ? code : system + "|" + code;
    }
}
