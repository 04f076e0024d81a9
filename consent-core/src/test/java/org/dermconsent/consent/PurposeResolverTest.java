package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dermconsent.consent.ImageUse.*;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;

class PurposeResolverTest {

    private static final String IU = ImageUse.SYSTEM + "|";
    private static final String V3 = V3PurposeOfUse.SYSTEM + "|";

    static Stream<Arguments> acceptedRequestPurposes() {
        return Stream.of(
                Arguments.of("clinical-care", CLINICAL_CARE),
                Arguments.of("care-team-sharing", CARE_TEAM_SHARING),
                Arguments.of("education", EDUCATION),
                Arguments.of("publication", PUBLICATION),
                Arguments.of("conference", CONFERENCE),
                Arguments.of("ai-training", AI_TRAINING),
                Arguments.of("research", RESEARCH),
                Arguments.of("  ai-training\t", AI_TRAINING),
                Arguments.of(IU + "clinical-care", CLINICAL_CARE),
                Arguments.of(IU + "care-team-sharing", CARE_TEAM_SHARING),
                Arguments.of(IU + "education", EDUCATION),
                Arguments.of(IU + "publication", PUBLICATION),
                Arguments.of(IU + "conference", CONFERENCE),
                Arguments.of(IU + "ai-training", AI_TRAINING),
                Arguments.of(IU + "research", RESEARCH),
                Arguments.of(V3 + "TREAT", CLINICAL_CARE),
                Arguments.of(V3 + "TRAIN", EDUCATION),
                Arguments.of(V3 + "MLTRAINING", AI_TRAINING),
                Arguments.of(V3 + "HRESCH", RESEARCH),
                Arguments.of("MLTRAINING", AI_TRAINING),
                Arguments.of("TREAT", CLINICAL_CARE),
                Arguments.of(" " + V3 + "MLTRAINING ", AI_TRAINING));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @MethodSource("acceptedRequestPurposes")
    void resolvesAcceptedRequestPurposes(String header, ImageUse expected) {
        assertThat(PurposeResolver.resolveRequested(header)).isEqualTo(expected);
    }

    static Stream<Arguments> rejectedRequestPurposes() {
        return Stream.of(
                Arguments.of("", "blank"),
                Arguments.of("   ", "blank"),
                Arguments.of("secondary-use", "abstract"),
                Arguments.of(IU + "secondary-use", "abstract"),
                Arguments.of("a|b|c", "expected 'code' or 'system|code'"),
                Arguments.of("|x", "expected 'code' or 'system|code'"),
                Arguments.of("x|", "expected 'code' or 'system|code'"),
                Arguments.of("|", "expected 'code' or 'system|code'"),
                Arguments.of(IU + "|ai-training", "expected 'code' or 'system|code'"),
                Arguments.of("photography", "unknown code 'photography'"),
                Arguments.of("AI-TRAINING", "unknown code 'AI-TRAINING'"),
                Arguments.of("mltraining", "unknown code 'mltraining'"),
                Arguments.of("http://example.org/purposes|ai-training", "unknown code system 'http://example.org/purposes'"),
                Arguments.of("http://terminology.hl7.org/CodeSystem/v3-PurposeOfUse|TREAT", "unknown code system"),
                Arguments.of(V3 + "ETREAT", "unknown code 'ETREAT' in " + V3PurposeOfUse.SYSTEM),
                Arguments.of(V3 + "HPAYMT", "unknown code 'HPAYMT'"),
                Arguments.of(V3 + "ai-training", "unknown code 'ai-training'"),
                Arguments.of(IU + "TREAT", "unknown code 'TREAT'"));
    }

    @ParameterizedTest(name = "''{0}'' rejected: {1}")
    @MethodSource("rejectedRequestPurposes")
    void rejectsInvalidRequestPurposesNamingValueAndAcceptedForms(String header, String problem) {
        assertThatThrownBy(() -> PurposeResolver.resolveRequested(header))
                .isInstanceOfSatisfying(InvalidPurposeException.class, e -> {
                    assertThat(e.value()).isEqualTo(header);
                    assertThat(e.getMessage())
                            .contains("'" + header + "'")
                            .contains(problem)
                            .contains("Accepted: an image-use code (clinical-care, care-team-sharing, education,")
                            .contains(V3PurposeOfUse.SYSTEM);
                });
    }

    @ParameterizedTest
    @NullSource
    void rejectsMissingValue(String header) {
        assertThatThrownBy(() -> PurposeResolver.resolveRequested(header))
                .isInstanceOf(InvalidPurposeException.class).hasMessageContaining("blank");
    }

    @Test
    void parseSplitsSystemAndCode() {
        assertThat(PurposeResolver.parse(V3 + "MLTRAINING")).isEqualTo(PurposeCode.of(V3PurposeOfUse.SYSTEM, "MLTRAINING"));
        assertThat(PurposeResolver.parse("research")).isEqualTo(PurposeCode.bare("research"));
        assertThat(PurposeResolver.resolveRequested(PurposeCode.of(PUBLICATION))).isEqualTo(PUBLICATION);
    }

    static Stream<Arguments> consentPurposes() {
        Set<ImageUse> secondary = Set.of(SECONDARY_USE, EDUCATION, PUBLICATION, CONFERENCE, AI_TRAINING, RESEARCH);
        return Stream.of(
                Arguments.of(PurposeCode.of(SECONDARY_USE), secondary),
                Arguments.of(PurposeCode.bare("secondary-use"), secondary),
                Arguments.of(PurposeCode.of(CLINICAL_CARE), Set.of(CLINICAL_CARE)),
                Arguments.of(PurposeCode.of(CARE_TEAM_SHARING), Set.of(CARE_TEAM_SHARING)),
                Arguments.of(PurposeCode.of(AI_TRAINING), Set.of(AI_TRAINING)),
                Arguments.of(PurposeCode.of(PUBLICATION), Set.of(PUBLICATION)),
                Arguments.of(Fixtures.v3("TREAT"), Set.of(CLINICAL_CARE, CARE_TEAM_SHARING)),
                Arguments.of(Fixtures.v3("TRAIN"), Set.of(EDUCATION)),
                Arguments.of(Fixtures.v3("MLTRAINING"), Set.of(AI_TRAINING)),
                Arguments.of(Fixtures.v3("HRESCH"), Set.of(RESEARCH)),
                Arguments.of(PurposeCode.bare("HRESCH"), Set.of(RESEARCH)),
                Arguments.of(Fixtures.v3("ETREAT"), Set.of()),
                Arguments.of(Fixtures.v3("secondary-use"), Set.of()),
                Arguments.of(PurposeCode.of(ImageUse.SYSTEM, "TREAT"), Set.of()),
                Arguments.of(PurposeCode.of(ImageUse.SYSTEM, "selfies"), Set.of()),
                Arguments.of(PurposeCode.of("http://example.org", "ai-training"), Set.of()),
                Arguments.of(PurposeCode.bare("everything"), Set.of()));
    }

    @ParameterizedTest(name = "consent purpose {0} covers {1}")
    @MethodSource("consentPurposes")
    void consentPurposeCoverage(PurposeCode purpose, Set<ImageUse> covered) {
        assertThat(PurposeResolver.coveredBy(purpose)).containsExactlyInAnyOrderElementsOf(covered);
        assertThat(PurposeResolver.isRecognised(purpose)).isEqualTo(!covered.isEmpty());
    }
}
