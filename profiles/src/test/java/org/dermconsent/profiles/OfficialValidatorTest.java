package org.dermconsent.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.convertors.loaders.loaderR5.NullLoaderKnowledgeProviderR5;
import org.hl7.fhir.convertors.loaders.loaderR5.R4ToR5Loader;
import org.hl7.fhir.r5.context.SimpleWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.model.Parameters;
import org.hl7.fhir.r5.utils.validation.constants.ReferenceValidationPolicy;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerFactory;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.hl7.fhir.validation.instance.advisor.BasePolicyAdvisorForFullValidation;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What an integrator's validator says: the official HL7 validator (org.hl7.fhir.validation's
 * InstanceValidator, the engine of the validator CLI) loaded with plain FHIR R4 core, from
 * hapi-fhir-validation-resources-r4, and the DermConsent package as built, without the server's
 * additions and without a terminology server (the tests run offline).
 *
 * <p>Every valid example has no errors; every invalid one fails; every OperationDefinition of the
 * package has no errors. Warnings and information are printed as a report.
 *
 * <p>Two kinds of error are not a package's to fix and are reported apart, as "needs a terminology
 * server", never silently: the validator settles them only with a terminology server, and offline it
 * has none.
 * <ul>
 *   <li>MIME types ({@code urn:ietf:bcp:13}, bound to Attachment.contentType): the validator always
 *       asks its server, so offline it cannot confirm {@code image/png};
 *   <li>DICOM DCM {@code DMS} (dermoscopy): the validator takes DICOM content from its server only
 *       and ignores DICOM code systems in packages, so offline all it has is R4 core's 2015 copy,
 *       which predates DMS. (MLTRAINING, whose v3-ActReason the validator does take from packages, is
 *       fixed by the package's fragment.)
 * </ul>
 */
class OfficialValidatorTest {

	private static final String[] R4_CORE = {
		"profile/profiles-types.xml", "profile/profiles-resources.xml", "profile/profiles-others.xml",
		"extension/extension-definitions.xml", "valueset/valuesets.xml", "valueset/v3-codesystems.xml",
		"valueset/v2-tables.xml"};

	private static InstanceValidator validator;
	private static final Map<String, List<ValidationMessage>> REPORT = new LinkedHashMap<>();

	@BeforeAll
	static void loadR4CoreAndThePackage() throws IOException {
		SimpleWorkerContext context = new SimpleWorkerContext.SimpleWorkerContextBuilder().fromNothing();
		context.setAllowLoadingDuplicates(true); // the context knows a few code systems of its own
		context.setCanRunWithoutTerminology(true);
		context.setExpansionParameters(new Parameters());
		for (String file : R4_CORE) {
			try (InputStream in = classpath("org/hl7/fhir/r4/model/" + file)) {
				context.loadFromFile(in, file, r4Loader());
			}
		}
		try (InputStream in = classpath(DermConsentFhir.PACKAGE_RESOURCE)) {
			assertThat(context.loadFromPackage(NpmPackage.fromPackage(in), r4Loader())).isGreaterThan(30);
		}
		validator = new InstanceValidator(context, null, XVerExtensionManagerFactory.createExtensionManager(context),
				new ValidatorSession(), new ValidatorSettings());
		// examples refer to each other and to the server's resources; references are not resolved here
		validator.setPolicyAdvisor(new BasePolicyAdvisorForFullValidation(ReferenceValidationPolicy.IGNORE, Set.of()));
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
	Stream<DynamicTest> operationDefinitionsHaveNoErrors() throws IOException {
		List<Path> definitions;
		try (Stream<Path> files = Files.list(DermConsentFhir.SOURCE)) {
			definitions = files.filter(f -> f.getFileName().toString().startsWith("OperationDefinition-")).sorted().toList();
		}
		assertThat(definitions).extracting(f -> f.getFileName().toString()).contains(
				"OperationDefinition-consent-decision.json", "OperationDefinition-image-consent-summary.json",
				"OperationDefinition-deidentify.json", "OperationDefinition-extract.json");
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
		StringBuilder report = new StringBuilder("\nOfficial HL7 validator (R4 core + dermconsent.fhir, no terminology server):\n");
		REPORT.forEach((file, messages) -> {
			report.append(String.format("  %-60s errors=%d warnings=%d needs-terminology-server=%d%n", file, errors(messages).size(),
					count(messages, IssueSeverity.WARNING), needsTerminologyServer(messages).size()));
			messages.stream().filter(m -> m.getLevel() != IssueSeverity.INFORMATION)
					.forEach(m -> report.append("      ").append(needsTerminologyServer(m) ? "TX-ONLY" : m.getLevel())
							.append(' ').append(m.getLocation()).append(": ").append(m.getMessage()).append('\n'));
		});
		System.out.println(report);
	}

	private static synchronized List<ValidationMessage> validate(Path file) {
		List<ValidationMessage> messages = new ArrayList<>();
		try {
			validator.validate(null, messages, new ByteArrayInputStream(Files.readAllBytes(file)), FhirFormat.JSON);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		REPORT.put(file.getParent().getFileName() + "/" + file.getFileName(), messages);
		return messages;
	}

	/** Errors and fatal issues, but not those that only a terminology server could settle (see above). */
	private static List<ValidationMessage> errors(List<ValidationMessage> messages) {
		return messages.stream()
				.filter(m -> m.getLevel() == IssueSeverity.ERROR || m.getLevel() == IssueSeverity.FATAL)
				.filter(m -> !needsTerminologyServer(m))
				.toList();
	}

	private static List<ValidationMessage> needsTerminologyServer(List<ValidationMessage> messages) {
		return messages.stream().filter(OfficialValidatorTest::needsTerminologyServer).toList();
	}

	/** A MIME type or DICOM DMS that the validator could not confirm without a terminology server. */
	private static boolean needsTerminologyServer(ValidationMessage message) {
		if (message.getLevel() != IssueSeverity.ERROR) {
			return false;
		}
		boolean mimeType = message.getLocation().endsWith("contentType")
				&& message.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")
				&& message.getMessage().contains("could not be determined");
		boolean dermoscopy = message.getLocation().startsWith("Media.modality")
				&& (message.getMessage().contains("Unknown code 'DMS' in the CodeSystem 'http://dicom.nema.org/resources/ontology/DCM' version '01'")
						|| message.getMessage().endsWith("(codes = http://dicom.nema.org/resources/ontology/DCM#DMS)"));
		return mimeType || dermoscopy;
	}

	private static long count(List<ValidationMessage> messages, IssueSeverity level) {
		return messages.stream().filter(m -> m.getLevel() == level).count();
	}

	private static R4ToR5Loader r4Loader() {
		return new R4ToR5Loader(SimpleWorkerContext.defaultTypesToLoad(), new NullLoaderKnowledgeProviderR5(), "4.0.1");
	}

	private static InputStream classpath(String resource) {
		InputStream in = OfficialValidatorTest.class.getClassLoader().getResourceAsStream(resource);
		if (in == null) {
			throw new IllegalStateException(resource + " is not on the test classpath");
		}
		return in;
	}
}
