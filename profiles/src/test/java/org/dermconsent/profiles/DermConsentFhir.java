package org.dermconsent.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dermconsent.terminology.NewerThanR4CoreCodes;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Resource;

/** Shared test fixtures: the generated package, a validator loaded from it, the example files. */
final class DermConsentFhir {

  static final String BASE = "https://dermconsent.org/fhir";
  static final String PACKAGE_RESOURCE = "dermconsent/package/dermconsent.fhir-0.1.0.tgz";
  static final FhirContext FHIR = FhirContext.forR4Cached();

  /** src/main/fhir; surefire passes the absolute path, the default suits an IDE run from the module. */
  static final Path SOURCE = Path.of(System.getProperty("dermconsent.fhir.source", "src/main/fhir"));
  static final Path VALID_EXAMPLES = SOURCE.resolve("examples").resolve("valid");
  static final Path INVALID_EXAMPLES = SOURCE.resolve("examples").resolve("invalid");

  private static FhirValidator validator;

  private DermConsentFhir() {}

  /**
   * A validator set up the way the server can load DermConsent: the package from the classpath,
   * on top of the R4 core definitions and HAPI's in-memory terminology.
   */
  static synchronized FhirValidator validator() {
    if (validator == null) {
      NpmPackageValidationSupport dermConsent = new NpmPackageValidationSupport(FHIR);
      try {
        dermConsent.loadPackageFromClasspath("classpath:" + PACKAGE_RESOURCE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ValidationSupportChain chain = new ValidationSupportChain(
          dermConsent,
          NewerThanR4CoreCodes.create(FHIR),
          new DefaultProfileValidationSupport(FHIR),
          new CommonCodeSystemsTerminologyService(FHIR),
          new InMemoryTerminologyServerValidationSupport(FHIR),
          new SnapshotGeneratingValidationSupport(FHIR),
          unknownCodeSystemsWarn());
      validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }
    return validator;
  }

  /**
   * SNOMED CT and the NCI Thesaurus are not available offline. Codes from them are checked against
   * the enumerated ValueSets; the code system check itself becomes a warning (as on a HAPI JPA
   * server) instead of an error.
   */
  private static UnknownCodeSystemWarningValidationSupport unknownCodeSystemsWarn() {
    UnknownCodeSystemWarningValidationSupport support = new UnknownCodeSystemWarningValidationSupport(FHIR);
    support.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
    return support;
  }

  static IParser strictParser() {
    return FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  }

  static List<Path> jsonFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static <T extends Resource> T parse(Path file) {
    return (T) strictParser().parseResource(read(file));
  }

  static <T extends Resource> T example(String fileName) {
    return parse(VALID_EXAMPLES.resolve(fileName));
  }
}
