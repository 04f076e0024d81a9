package org.dermconsent.profiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.convertors.loaders.loaderR5.NullLoaderKnowledgeProviderR5;
import org.hl7.fhir.convertors.loaders.loaderR5.R4ToR5Loader;
import org.hl7.fhir.r5.context.SimpleWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.model.Parameters;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.ReferenceValidationPolicy;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerFactory;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.hl7.fhir.validation.instance.advisor.BasePolicyAdvisorForFullValidation;

/**
 * What an integrator's validator says: the official HL7 validator (org.hl7.fhir.validation's
 * InstanceValidator, the engine of the validator CLI) loaded with plain FHIR R4 core, from
 * hapi-fhir-validation-resources-r4, and the DermConsent package as built, without the server's
 * additions and without a terminology server (the tests run offline). Shared by this module's
 * OfficialValidatorTest (the package's files) and the server's (what the server answers), through
 * this module's test jar. Each instance keeps a report of what it validated.
 *
 * <p>Two kinds of error are not a package's to fix and are reported apart, as "needs a terminology
 * server", never silently: the validator settles them only with a terminology server, and offline it
 * has none.
 * <ul>
 *   <li>MIME types ({@code urn:ietf:bcp:13}, bound to Attachment.contentType, Binary.contentType,
 *       CapabilityStatement.format and patchFormat):
 *       the validator always asks its server, so offline it cannot confirm {@code image/png};
 *   <li>DICOM DCM {@code DMS} (dermoscopy): the validator takes DICOM content from its server only
 *       and ignores DICOM code systems in packages, so offline all it has is R4 core's 2015 copy,
 *       which predates DMS. (MLTRAINING, whose v3-ActReason the validator does take from packages, is
 *       fixed by the package's fragment.)
 * </ul>
 */
public final class OfficialValidator {

  private static final String[] R4_CORE = {
    "profile/profiles-types.xml", "profile/profiles-resources.xml", "profile/profiles-others.xml",
    "extension/extension-definitions.xml", "valueset/valuesets.xml", "valueset/v3-codesystems.xml",
    "valueset/v2-tables.xml"};

  private final InstanceValidator validator;
  private final Map<String, List<ValidationMessage>> report = new LinkedHashMap<>();

  private OfficialValidator(InstanceValidator validator) {
    this.validator = validator;
  }

  /** Loads R4 core and the package (a few seconds). */
  public static OfficialValidator load() {
    try {
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
        int loaded = context.loadFromPackage(NpmPackage.fromPackage(in), r4Loader());
        if (loaded < 30) {
          throw new IllegalStateException("only " + loaded + " resources loaded from " + DermConsentFhir.PACKAGE_RESOURCE);
        }
      }
      InstanceValidator validator = new InstanceValidator(context, null,
          XVerExtensionManagerFactory.createExtensionManager(context), new ValidatorSession(), new ValidatorSettings());
      // examples refer to each other and answers to the server's resources; references are not resolved here
      validator.setPolicyAdvisor(new BasePolicyAdvisorForFullValidation(ReferenceValidationPolicy.IGNORE, Set.of()));
      return new OfficialValidator(validator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates a JSON resource and keeps the messages in the report under {@code name}. */
  public synchronized List<ValidationMessage> validate(String name, String json) {
    return validate(name, json.getBytes(StandardCharsets.UTF_8));
  }

  public synchronized List<ValidationMessage> validate(String name, byte[] json) {
    List<ValidationMessage> messages = new ArrayList<>();
    validator.validate(null, messages, new ByteArrayInputStream(json), FhirFormat.JSON);
    report.put(name, messages);
    return messages;
  }

  /** Errors and fatal issues, but not those that only a terminology server could settle (see above). */
  public static List<ValidationMessage> errors(List<ValidationMessage> messages) {
    return messages.stream()
        .filter(m -> m.getLevel() == IssueSeverity.ERROR || m.getLevel() == IssueSeverity.FATAL)
        .filter(m -> !needsTerminologyServer(m))
        .toList();
  }

  public static List<ValidationMessage> needsTerminologyServer(List<ValidationMessage> messages) {
    return messages.stream().filter(OfficialValidator::needsTerminologyServer).toList();
  }

  /** A MIME type or DICOM DMS that the validator could not confirm without a terminology server. */
  public static boolean needsTerminologyServer(ValidationMessage message) {
    if (message.getLevel() != IssueSeverity.ERROR) {
      return false;
    }
    boolean mimeType = message.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")
        && (message.getMessage().contains("could not be determined")
            // CapabilityStatement.format and patchFormat: the lookup fails for want of a server
            || message.getMessage().contains("TerminologyClientContext"));
    // Media.modality, or ".modality" of a Media inside a Bundle ("Bundle.entry[0].resource/*Media/1*/.modality")
    boolean dermoscopy = message.getLocation().matches(".*(Media|\\*/)\\.modality.*")
        && (message.getMessage().contains("Unknown code 'DMS' in the CodeSystem 'http://dicom.nema.org/resources/ontology/DCM' version '01'")
            || message.getMessage().endsWith("(codes = http://dicom.nema.org/resources/ontology/DCM#DMS)"));
    return mimeType || dermoscopy;
  }

  /** One line per validated resource with its counts, then its errors and warnings. */
  public synchronized String report(String title) {
    StringBuilder out = new StringBuilder("\n").append(title).append('\n');
    int errors = 0;
    int warnings = 0;
    int tx = 0;
    for (Map.Entry<String, List<ValidationMessage>> entry : report.entrySet()) {
      List<ValidationMessage> messages = entry.getValue();
      errors += errors(messages).size();
      warnings += count(messages, IssueSeverity.WARNING);
      tx += needsTerminologyServer(messages).size();
      out.append(String.format("  %-60s errors=%d warnings=%d needs-terminology-server=%d%n", entry.getKey(),
          errors(messages).size(), count(messages, IssueSeverity.WARNING), needsTerminologyServer(messages).size()));
      messages.stream().filter(m -> m.getLevel() != IssueSeverity.INFORMATION)
          .forEach(m -> out.append("      ").append(needsTerminologyServer(m) ? "TX-ONLY" : m.getLevel())
              .append(' ').append(m.getLocation()).append(": ").append(m.getMessage()).append('\n'));
    }
    out.append(String.format("  total: %d resources, errors=%d warnings=%d needs-terminology-server=%d%n",
        report.size(), errors, warnings, tx));
    return out.toString();
  }

  private static long count(List<ValidationMessage> messages, IssueSeverity level) {
    return messages.stream().filter(m -> m.getLevel() == level).count();
  }

  private static R4ToR5Loader r4Loader() {
    return new R4ToR5Loader(SimpleWorkerContext.defaultTypesToLoad(), new NullLoaderKnowledgeProviderR5(), "4.0.1");
  }

  private static InputStream classpath(String resource) {
    InputStream in = OfficialValidator.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException(resource + " is not on the test classpath");
    }
    return in;
  }
}
