package org.dermconsent.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The package as an integrator's validator sees it ({@link OfficialValidator}: the official HL7
 * validator with plain R4 core and the package, offline).
 *
 * <p>Every valid example has no errors; every invalid one fails; every OperationDefinition and
 * NamingSystem of the package has no errors (StructureDefinitions are FhirPackageTest's: this
 * validator, loaded through its R4-to-R5 converter, calls an R4 extension's type illegal). Warnings and information are
 * printed as a report; MIME types and DICOM DMS, which only a terminology server settles, are counted
 * apart (see OfficialValidator).
 */
class OfficialValidatorTest {

	private static OfficialValidator validator;

	@BeforeAll
	static void loadR4CoreAndThePackage() {
		validator = OfficialValidator.load();
	}

	@TestFactory
	Stream<DynamicTest> validExamplesHaveNoErrors() {
		return DermConsentFhir.jsonFiles(DermConsentFhir.VALID_EXAMPLES).stream().map(file -> DynamicTest.dynamicTest(
				file.getFileName().toString(), () -> assertThat(errors(validate(file))).as("errors of %s", file.getFileName()).isEmpty()));
	}

	/**
	 * Each fails with the error its sidecar names (the message part; locations differ from HAPI's),
	 * except one that only a terminology server can catch: the validator has no NCI Thesaurus
	 * offline, so it cannot tell that a Fitzpatrick code does not exist, and says so in a warning.
	 */
	@TestFactory
	Stream<DynamicTest> invalidExamplesFailWithTheirExpectedError() {
		return DermConsentFhir.jsonFiles(DermConsentFhir.INVALID_EXAMPLES).stream().map(file -> DynamicTest.dynamicTest(
				file.getFileName().toString(), () -> {
					if (file.getFileName().toString().equals("Media-unknown-fitzpatrick-skin-type.json")) {
						assertThat(validate(file)).anySatisfy(warning -> {
							assertThat(warning.getLevel()).isEqualTo(IssueSeverity.WARNING);
							assertThat(warning.getMessage()).contains("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl")
									.contains("could not be found");
						});
						return;
					}
					String expected = ExamplesValidationTest.Expectation.of(file).message();
					assertThat(errors(validate(file))).as("errors of %s", file.getFileName())
							.anySatisfy(error -> assertThat(error.getMessage()).contains(expected));
				}));
	}

	@TestFactory
	Stream<DynamicTest> operationDefinitionsAndNamingSystemsHaveNoErrors() throws IOException {
		List<Path> definitions;
		try (Stream<Path> files = Files.list(DermConsentFhir.SOURCE)) {
			definitions = files.filter(f -> f.getFileName().toString().startsWith("OperationDefinition-")
					|| f.getFileName().toString().startsWith("NamingSystem-")).sorted().toList();
		}
		assertThat(definitions).extracting(f -> f.getFileName().toString()).contains(
				"OperationDefinition-consent-decision.json", "OperationDefinition-image-consent-summary.json",
				"OperationDefinition-deidentify.json", "OperationDefinition-extract.json", "OperationDefinition-dataset-status.json",
				"NamingSystem-patient-pseudonym.json",
				"NamingSystem-anonymous-subject.json");
		return definitions.stream().map(file -> DynamicTest.dynamicTest(
				file.getFileName().toString(), () -> assertThat(errors(validate(file))).as("errors of %s", file.getFileName()).isEmpty()));
	}

	/** The consent form (Questionnaire/derm-image-consent) as a form filler or integrator loads it. */
	@TestFactory
	Stream<DynamicTest> questionnairesHaveNoErrors() {
		return DermConsentFhir.jsonFiles(DermConsentFhir.SOURCE).stream()
				.filter(f -> f.getFileName().toString().startsWith("Questionnaire-"))
				.map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
						() -> assertThat(errors(validate(file))).as("errors of %s", file.getFileName()).isEmpty()));
	}

	@AfterAll
	static void printReport() {
		System.out.println(validator.report("Official HL7 validator (R4 core + dermconsent.fhir, no terminology server):"));
	}

	private static List<ValidationMessage> validate(Path file) {
		try {
			return validator.validate(file.getParent().getFileName() + "/" + file.getFileName(), Files.readAllBytes(file));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static List<ValidationMessage> errors(List<ValidationMessage> messages) {
		return OfficialValidator.errors(messages);
	}
}
