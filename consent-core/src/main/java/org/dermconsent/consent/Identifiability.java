package org.dermconsent.consent;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whether an image can identify the patient: CodeSystem
 * {@code https://dermconsent.org/fhir/CodeSystem/identifiability}, carried as a security label.
 */
public enum Identifiability {
    IDENTIFIABLE("identifiable"),
    DEIDENTIFIED("deidentified");

    public static final String SYSTEM = "https://dermconsent.org/fhir/CodeSystem/identifiability";

    private final String code;

    Identifiability(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The value with this code, or empty for an unknown code. */
    public static Optional<Identifiability> find(String code) {
        return Arrays.stream(values()).filter(value -> value.code.equals(code)).findFirst();
    }

    /** The value with this code; throws {@link IllegalArgumentException} for an unknown code. */
    public static Identifiability fromCode(String code) {
        return find(code).orElseThrow(
                () -> new IllegalArgumentException("Unknown identifiability code '" + code + "'"));
    }

    /** An image without a label is treated as identifiable, so that a missing label fails closed. */
    public static Identifiability orIdentifiable(Identifiability label) {
        return label == null ? IDENTIFIABLE : label;
    }

    @Override
    public String toString() {
        return code;
    }
}
