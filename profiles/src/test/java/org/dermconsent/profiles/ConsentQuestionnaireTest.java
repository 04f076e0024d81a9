package org.dermconsent.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.profiles.DermConsentFhir.BASE;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.Test;

/**
 * The consent form patients fill in ({@code Questionnaire/derm-image-consent}) asks exactly what
 * the code systems define, in the words the code systems give patients: one yes/no question per
 * image use but clinical care (always allowed) and the grouping secondary-use (its five children
 * are asked one by one), times identifiability. The wording is written into the file; this test
 * keeps it from drifting away from the terminology module's patient-friendly designations.
 */
class ConsentQuestionnaireTest {

  private static final String PATIENT_FRIENDLY = "patient-friendly";

  private final Questionnaire questionnaire =
      DermConsentFhir.parse(DermConsentFhir.SOURCE.resolve("Questionnaire-derm-image-consent.json"));

  @Test
  void asksOneYesNoQuestionPerUseAndIdentifiabilityInThePatientsWords() throws IOException {
    CodeSystem uses = terminology("CodeSystem-image-use.json");
    CodeSystem identifiabilities = terminology("CodeSystem-identifiability.json");
    List<QuestionnaireItemComponent> expected = new ArrayList<>();
    for (ConceptDefinitionComponent use : flatten(uses.getConcept())) {
      // recontact is about being asked, not a use of images: no image-use question asks about it
      if (use.getCode().equals("clinical-care") || use.getCode().equals("recontact") || use.hasConcept()) {
        continue;
      }
      for (ConceptDefinitionComponent identifiability : identifiabilities.getConcept()) {
        String about = patientText(identifiability).replaceFirst("\\.$", "");
        QuestionnaireItemComponent item = new QuestionnaireItemComponent()
            .setLinkId(use.getCode() + "/" + identifiability.getCode())
            .setPrefix(use.getDisplay() + " (" + identifiability.getDisplay().toLowerCase() + ")")
            .setText(patientText(use) + " Do you agree to this for "
                + Character.toLowerCase(about.charAt(0)) + about.substring(1) + "?")
            .setType(QuestionnaireItemType.BOOLEAN)
            .setRequired(false);
        item.addCode(new Coding(uses.getUrl(), use.getCode(), use.getDisplay()));
        item.addCode(new Coding(identifiabilities.getUrl(), identifiability.getCode(), identifiability.getDisplay()));
        expected.add(item);
      }
    }
    List<QuestionnaireItemComponent> booleans = questionnaire.getItem().stream()
        .filter(item -> item.getType() == QuestionnaireItemType.BOOLEAN).toList();
    assertThat(booleans).hasSize(12);
    assertThat(booleans).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(booleans.get(i).equalsDeep(expected.get(i)))
          .as("item %s is %s", expected.get(i).getLinkId(), describe(booleans.get(i))).isTrue();
    }
  }

  @Test
  void endDateAndSignatureAreOptional() {
    assertThat(questionnaire.getUrl()).isEqualTo(BASE + "/Questionnaire/derm-image-consent");
    assertThat(questionnaire.getItem()).extracting(QuestionnaireItemComponent::getLinkId)
        .endsWith("period-end", "signature");
    QuestionnaireItemComponent end = item("period-end");
    assertThat(end.getType()).isEqualTo(QuestionnaireItemType.DATE);
    assertThat(end.getRequired()).isFalse();
    QuestionnaireItemComponent signature = item("signature");
    assertThat(signature.getType()).isEqualTo(QuestionnaireItemType.ATTACHMENT);
    assertThat(signature.getRequired()).isFalse();
  }

  @Test
  void isPackagedAndValid() throws IOException {
    assertThat(DermConsentFhir.validator().validateWithResult(questionnaire).getMessages())
        .filteredOn(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .isEmpty();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(DermConsentFhir.PACKAGE_RESOURCE)) {
      assertThat(NpmPackage.fromPackage(in).listResources("Questionnaire"))
          .containsExactly("Questionnaire-derm-image-consent.json");
    }
  }

  private QuestionnaireItemComponent item(String linkId) {
    return questionnaire.getItem().stream().filter(i -> i.getLinkId().equals(linkId)).findFirst().orElseThrow();
  }

  private static String describe(QuestionnaireItemComponent item) {
    return DermConsentFhir.FHIR.newJsonParser().encodeToString(item);
  }

  private static List<ConceptDefinitionComponent> flatten(List<ConceptDefinitionComponent> concepts) {
    List<ConceptDefinitionComponent> all = new ArrayList<>();
    for (ConceptDefinitionComponent concept : concepts) {
      all.add(concept);
      all.addAll(flatten(concept.getConcept()));
    }
    return all;
  }

  private static String patientText(ConceptDefinitionComponent concept) {
    List<String> texts = concept.getDesignation().stream()
        .filter(d -> PATIENT_FRIENDLY.equals(d.getUse().getCode()))
        .map(d -> d.getValue()).collect(Collectors.toList());
    assertThat(texts).as("patient-friendly text of %s", concept.getCode()).hasSize(1);
    return texts.get(0);
  }

  private static CodeSystem terminology(String file) throws IOException {
    try (InputStream in = ConsentQuestionnaireTest.class.getClassLoader()
        .getResourceAsStream("dermconsent/terminology/" + file)) {
      assertThat(in).as(file).isNotNull();
      return (CodeSystem) DermConsentFhir.strictParser()
          .parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
