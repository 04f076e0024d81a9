package org.dermconsent.consent;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The HL7 v3 PurposeOfUse codes (CodeSystem v3-ActReason) that DermConsent maps to image uses,
 * following ConceptMap {@code image-use-to-v3-purposeofuse}.
 *
 * <p>The mapping differs by direction on purpose: a request must name one concrete use, so TREAT
 * requested means clinical-care; a consent naming TREAT speaks for the whole treatment context, so it
 * covers both clinical-care and care-team-sharing. Publication and conference have no v3 equivalent
 * and can only be named with image-use codes.
 */
public enum V3PurposeOfUse {
    TREAT(ImageUse.CLINICAL_CARE, EnumSet.of(ImageUse.CLINICAL_CARE, ImageUse.CARE_TEAM_SHARING)),
    TRAIN(ImageUse.EDUCATION, EnumSet.of(ImageUse.EDUCATION)),
    MLTRAINING(ImageUse.AI_TRAINING, EnumSet.of(ImageUse.AI_TRAINING)),
    HRESCH(ImageUse.RESEARCH, EnumSet.of(ImageUse.RESEARCH));

    public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private final ImageUse requestedUse;
    private final Set<ImageUse> coveredUses;

    V3PurposeOfUse(ImageUse requestedUse, Set<ImageUse> coveredUses) {
        this.requestedUse = requestedUse;
        this.coveredUses = Set.copyOf(coveredUses);
    }

    public String code() {
        return name();
    }

    /** The concrete use a request with this purpose asks for. */
    public ImageUse requestedUse() {
        return requestedUse;
    }

    /** The uses a consent provision naming this purpose grants or denies. */
    public Set<ImageUse> coveredUses() {
        return coveredUses;
    }

    /** The mapped code, or empty for any other (including unmapped v3) code. Case-sensitive. */
    public static Optional<V3PurposeOfUse> find(String code) {
        return Arrays.stream(values()).filter(value -> value.name().equals(code)).findFirst();
    }
}
