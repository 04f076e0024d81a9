package org.dermconsent.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.profiles.DermConsentFhir.BASE;
import static org.dermconsent.profiles.DermConsentFhir.INVALID_EXAMPLES;
import static org.dermconsent.profiles.DermConsentFhir.VALID_EXAMPLES;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every valid example validates without errors against the generated package; every invalid example
 * fails with the error its sidecar {@code <name>.expected.txt} names (a substring of the message and
 * the exact location HAPI reports).
 */
class ExamplesValidationTest {

  private static final List<String> OUR_PROFILES =
      List.of(BASE + "/StructureDefinition/derm-media", BASE + "/StructureDefinition/derm-image-consent",
          BASE + "/StructureDefinition/derm-consent-request");

  @TestFactory
  Stream<DynamicTest> validExamplesHaveNoErrors() {
    return DermConsentFhir.jsonFiles(VALID_EXAMPLES).stream().map(file -> DynamicTest.dynamicTest(
        file.getFileName().toString(), () -> {
          Resource example = DermConsentFhir.parse(file);
          assertThat(errors(example)).as("errors of %s", file.getFileName()).isEmpty();
        }));
  }

  @Test
  void everyProfileHasValidExamples() {
    Map<String, Long> examplesPerProfile = DermConsentFhir.jsonFiles(VALID_EXAMPLES).stream()
        .map(DermConsentFhir::parse)
        .flatMap(r -> ((Resource) r).getMeta().getProfile().stream().map(p -> p.getValue()))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(examplesPerProfile.get(OUR_PROFILES.get(0))).as("derm-media examples").isGreaterThanOrEqualTo(3);
    assertThat(examplesPerProfile.get(OUR_PROFILES.get(1))).as("derm-image-consent examples").isGreaterThanOrEqualTo(1);
    assertThat(examplesPerProfile.get(OUR_PROFILES.get(2))).as("derm-consent-request examples").isGreaterThanOrEqualTo(1);
  }

  @TestFactory
  Stream<DynamicTest> invalidExamplesFailWithTheirExpectedError() {
    return DermConsentFhir.jsonFiles(INVALID_EXAMPLES).stream().map(file -> DynamicTest.dynamicTest(
        file.getFileName().toString(), () -> {
          Expectation expected = Expectation.of(file);
          Resource example = DermConsentFhir.parse(file);
          assertThat(example.getMeta().getProfile()).as("an invalid example claims one of our profiles")
              .extracting(p -> p.getValue()).containsAnyElementsOf(OUR_PROFILES);
          List<SingleValidationMessage> errors = errors(example);
          assertThat(errors)
              .as("%s must fail at %s with '%s'; errors were:%n%s", file.getFileName(),
                  expected.location(), expected.message(), describe(errors))
              .anySatisfy(error -> {
                assertThat(error.getLocationString()).isEqualTo(expected.location());
                assertThat(error.getMessage()).contains(expected.message());
              });
        }));
  }

  @Test
  void invalidExamplesCoverTheRequiredCases() {
    assertThat(DermConsentFhir.jsonFiles(INVALID_EXAMPLES)).extracting(f -> f.getFileName().toString())
        .contains(
            "Consent-missing-patient.json",
            "Consent-missing-datetime.json",
            "Consent-root-permit.json",
            "Consent-permit-without-purpose.json",
            "Consent-purpose-not-in-valueset.json",
            "Consent-security-label-not-identifiability.json",
            "Media-missing-subject.json",
            "Media-wrong-modality.json",
            "Media-missing-identifiability.json",
            "Media-deidentified-without-source.json");
  }

  private static List<SingleValidationMessage> errors(Resource resource) {
    return DermConsentFhir.validator().validateWithResult(resource).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .toList();
  }

  private static String describe(List<SingleValidationMessage> messages) {
    return messages.stream()
        .map(m -> "  " + m.getSeverity() + " @ " + m.getLocationString() + ": " + m.getMessage())
        .collect(Collectors.joining("\n"));
  }

  /** The sidecar file: {@code location: <path>} and {@code message: <substring>}; # starts a comment. */
  record Expectation(String location, String message) {
    static Expectation of(Path example) throws java.io.IOException {
      Path sidecar = example.resolveSibling(example.getFileName().toString().replaceFirst("\\.json$", ".expected.txt"));
      assertThat(sidecar).as("expectation file of %s", example.getFileName()).exists();
      Map<String, String> fields = Files.readAllLines(sidecar).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split(":", 2))
          .collect(Collectors.toMap(kv -> kv[0].trim(), kv -> kv[1].trim()));
      assertThat(fields).as("fields of %s", sidecar.getFileName()).containsKeys("location", "message");
      return new Expectation(fields.get("location"), fields.get("message"));
    }
  }
}
