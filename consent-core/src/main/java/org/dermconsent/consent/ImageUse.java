package org.dermconsent.consent;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The uses of a skin image a patient can consent to: CodeSystem
 * {@code https://dermconsent.org/fhir/CodeSystem/image-use}.
 *
 * <p>The code system is hierarchical: {@link #SECONDARY_USE} is an abstract grouping whose five
 * children can be granted at once by granting the parent, but it can never be requested itself
 * (a request is always for one concrete use).
 */
public enum ImageUse {
    CLINICAL_CARE("clinical-care", null),
    CARE_TEAM_SHARING("care-team-sharing", null),
    SECONDARY_USE("secondary-use", null),
    EDUCATION("education", SECONDARY_USE),
    PUBLICATION("publication", SECONDARY_USE),
    CONFERENCE("conference", SECONDARY_USE),
    AI_TRAINING("ai-training", SECONDARY_USE),
    RESEARCH("research", SECONDARY_USE);

    public static final String SYSTEM = "https://dermconsent.org/fhir/CodeSystem/image-use";

    private static final List<ImageUse> LEAVES =
            Arrays.stream(values()).filter(use -> !use.isAbstract()).toList();

    private final String code;
    private final ImageUse parent;

    ImageUse(String code, ImageUse parent) {
        this.code = code;
        this.parent = parent;
    }

    public String code() {
        return code;
    }

    /** Abstract codes group other codes; they may appear in a consent but not in a request. */
    public boolean isAbstract() {
        return this == SECONDARY_USE;
    }

    /** True if granting or denying this use also grants or denies {@code other}. */
    public boolean subsumes(ImageUse other) {
        Objects.requireNonNull(other, "other");
        return this == other || other.parent == this;
    }

    /** The concrete uses that can be requested, in code-system order. */
    public static List<ImageUse> leaves() {
        return LEAVES;
    }

    /** The use with this code, or empty for an unknown code (codes are case-sensitive). */
    public static Optional<ImageUse> find(String code) {
        return Arrays.stream(values()).filter(use -> use.code.equals(code)).findFirst();
    }

    /** The use with this code; throws {@link IllegalArgumentException} for an unknown code. */
    public static ImageUse fromCode(String code) {
        return find(code).orElseThrow(
                () -> new IllegalArgumentException("Unknown image-use code '" + code + "'"));
    }

    @Override
    public String toString() {
        return code;
    }
}
