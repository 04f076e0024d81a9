package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dermconsent.consent.ImageUse.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImageUseTest {

    @Test
    void codesAreThoseOfTheCodeSystem() {
        assertThat(Arrays.stream(values()).map(ImageUse::code)).containsExactly(
                "clinical-care", "care-team-sharing", "secondary-use", "education", "publication",
                "conference", "ai-training", "research");
        assertThat(SYSTEM).isEqualTo("https://dermconsent.org/fhir/CodeSystem/image-use");
    }

    @ParameterizedTest
    @EnumSource(ImageUse.class)
    void fromCodeRoundTrips(ImageUse use) {
        assertThat(fromCode(use.code())).isSameAs(use);
    }

    @Test
    void fromCodeRejectsUnknownAndWrongCase() {
        assertThatThrownBy(() -> fromCode("AI-TRAINING")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AI-TRAINING");
        assertThat(find("photography")).isEmpty();
    }

    @Test
    void onlySecondaryUseIsAbstractAndLeavesAreTheOthers() {
        assertThat(Arrays.stream(values()).filter(ImageUse::isAbstract)).containsExactly(SECONDARY_USE);
        assertThat(leaves()).containsExactly(CLINICAL_CARE, CARE_TEAM_SHARING, EDUCATION, PUBLICATION,
                CONFERENCE, AI_TRAINING, RESEARCH);
    }

    @Test
    void secondaryUseSubsumesItselfAndExactlyItsFiveChildren() {
        assertThat(Arrays.stream(values()).filter(SECONDARY_USE::subsumes))
                .containsExactlyInAnyOrder(SECONDARY_USE, EDUCATION, PUBLICATION, CONFERENCE, AI_TRAINING, RESEARCH);
    }

    @ParameterizedTest
    @EnumSource(value = ImageUse.class, names = "SECONDARY_USE", mode = EnumSource.Mode.EXCLUDE)
    void everyOtherCodeSubsumesOnlyItself(ImageUse use) {
        assertThat(Arrays.stream(values()).filter(use::subsumes)).containsExactly(use);
    }

    @Test
    void identifiabilityCodes() {
        assertThat(Identifiability.fromCode("identifiable")).isEqualTo(Identifiability.IDENTIFIABLE);
        assertThat(Identifiability.fromCode("deidentified")).isEqualTo(Identifiability.DEIDENTIFIED);
        assertThat(Identifiability.SYSTEM).isEqualTo("https://dermconsent.org/fhir/CodeSystem/identifiability");
        assertThat(Identifiability.orIdentifiable(null)).isEqualTo(Identifiability.IDENTIFIABLE);
        assertThatThrownBy(() -> Identifiability.fromCode("anonymous")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRequestCannotBeForAnAbstractUse() {
        assertThatThrownBy(() -> AccessRequest.of(SECONDARY_USE, Fixtures.NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
