package org.dermconsent.deid.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dermconsent.deid.policy.IdentifiabilityRule.Code;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IdentifiabilityRuleTest {

  private final IdentifiabilityRule rule = new IdentifiabilityRule();

  @ParameterizedTest
  @ValueSource(strings = {"69536005", "41695006", "89545001", "52795006", "45206002", "60819002", "48477009",
      "117590005", "45048000", "80243003", "30291003", "38266002"})
  void headNeckAndWholeBodySitesNeedPixelCleaning(String code) {
    IdentifiabilityRule.Assessment a = rule.assess(List.of(new Code(IdentifiabilityRule.SNOMED, code)), List.of());
    assertThat(a.pixelsMayIdentify()).isTrue();
    assertThat(a.reasons()).singleElement().asString().contains(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"22943007", "14975008", "56459004", "77568009", "39937001"})
  void otherSkinSitesDoNot(String code) {
    assertThat(rule.assess(List.of(new Code(IdentifiabilityRule.SNOMED, code)), List.of()).pixelsMayIdentify())
        .isFalse();
  }

  @Test
  void aFaceCodeFromAnotherSystemIsNotAFace() {
    assertThat(rule.assess(List.of(new Code("urn:local", "89545001")), List.of()).pixelsMayIdentify()).isFalse();
  }

  @Test
  void anyFlaggedFeatureNeedsPixelCleaning() {
    IdentifiabilityRule.Assessment a = rule.assess(List.of(new Code(IdentifiabilityRule.SNOMED, "14975008")),
        List.of(new Code(IdentifiabilityRule.IDENTIFYING_FEATURE_SYSTEM, "tattoo"), new Code("urn:other", "x y")));
    assertThat(a.pixelsMayIdentify()).isTrue();
    assertThat(a.reasons()).containsExactly("the clinician flagged 'tattoo' as visible in the image",
        "the clinician flagged an identifying feature as visible in the image");
  }

  @Test
  void noSiteAndNoFlagsIsMetadataOnly() {
    assertThat(rule.assess(List.of(), List.of()).pixelsMayIdentify()).isFalse();
  }
}
