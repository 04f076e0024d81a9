package org.dermconsent.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.profiles.DermConsentFhir.BASE;
import static org.dermconsent.profiles.DermConsentFhir.FHIR;
import static org.dermconsent.profiles.DermConsentFhir.PACKAGE_RESOURCE;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The package the build writes into the jar: layout, manifest, index, snapshots, contents. */
class FhirPackageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<String, byte[]> entries;

  @BeforeAll
  static void readPackage() throws IOException {
    entries = new LinkedHashMap<>();
    try (InputStream in = packageStream();
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.put(entry.getName(), tar.readAllBytes());
      }
    }
  }

  @Test
  void manifestDescribesAnR4PackageOfDermConsent() throws IOException {
    JsonNode manifest = json("package/package.json");
    assertThat(manifest.path("name").asText()).isEqualTo("dermconsent.fhir");
    assertThat(manifest.path("version").asText()).isEqualTo("0.1.0");
    assertThat(manifest.path("canonical").asText()).isEqualTo(BASE);
    assertThat(manifest.path("type").asText()).isEqualTo("fhir.ig");
    assertThat(manifest.path("fhirVersions")).extracting(JsonNode::asText).containsExactly("4.0.1");
    assertThat(manifest.path("dependencies").path("hl7.fhir.r4.core").asText()).isEqualTo("4.0.1");
  }

  @Test
  void indexListsEveryResourceOfEachFolder() throws IOException {
    for (String folder : List.of("package/", "package/example/")) {
      Set<String> resourceFiles = entries.keySet().stream()
          .filter(name -> name.startsWith(folder) && name.indexOf('/', folder.length()) < 0)
          .map(name -> name.substring(folder.length()))
          .filter(name -> name.endsWith(".json") && !name.equals("package.json") && !name.equals(".index.json"))
          .collect(Collectors.toSet());
      JsonNode index = json(folder + ".index.json");
      assertThat(index.path("index-version").asInt()).isEqualTo(2);
      List<JsonNode> files = StreamSupport.stream(index.path("files").spliterator(), false).toList();
      assertThat(files).extracting(f -> f.path("filename").asText())
          .as("index of %s", folder).containsExactlyInAnyOrderElementsOf(resourceFiles);
      for (JsonNode file : files) {
        Resource resource = (Resource) FHIR.newJsonParser().parseResource(text(folder + file.path("filename").asText()));
        assertThat(file.path("resourceType").asText()).isEqualTo(resource.fhirType());
        assertThat(file.path("id").asText()).isEqualTo(resource.getIdElement().getIdPart());
      }
    }
  }

  @Test
  void packageHoldsProfilesExtensionsSearchParametersAndTerminology() {
    assertThat(entries.keySet()).contains(
        "package/StructureDefinition-derm-image-consent.json",
        "package/StructureDefinition-derm-media.json",
        "package/StructureDefinition-derm-consent-request.json",
        "package/StructureDefinition-derived-from-media.json",
        "package/StructureDefinition-fitzpatrick-skin-type.json",
        "package/StructureDefinition-lesion-identifier.json",
        "package/StructureDefinition-identifying-features.json",
        "package/StructureDefinition-image-type.json",
        "package/StructureDefinition-deidentification-method.json",
        "package/StructureDefinition-governing-consent.json",
        "package/StructureDefinition-dataset-purpose.json",
        "package/CodeSystem-list-type.json",
        "package/OperationDefinition-dataset-status.json",
        "package/SearchParameter-media-image-type.json",
        "package/SearchParameter-consent-derm-purpose.json",
        "package/CodeSystem-consent-category.json",
        "package/CodeSystem-image-use.json",
        "package/CodeSystem-identifiability.json",
        "package/ValueSet-image-use.json",
        "package/ValueSet-identifiability.json",
        "package/ValueSet-derm-image-purpose.json",
        "package/ValueSet-derm-body-site.json",
        "package/ValueSet-fitzpatrick-skin-type.json",
        "package/ConceptMap-image-use-to-v3-purposeofuse.json",
        "package/example/Consent-derm-consent-typical.json",
        "package/example/Media-derm-dermoscopic-deidentified.json");
    assertThat(entries.keySet()).as("invalid examples stay out of the package")
        .noneMatch(name -> name.contains("invalid"));
  }

  @Test
  void everyStructureDefinitionHasASnapshot() {
    List<String> structureDefinitions = entries.keySet().stream()
        .filter(name -> name.startsWith("package/StructureDefinition-")).toList();
    assertThat(structureDefinitions).hasSize(11);
    for (String name : structureDefinitions) {
      StructureDefinition sd = structureDefinition(name);
      assertThat(sd.getSnapshot().getElement()).as("snapshot of %s", name).isNotEmpty();
      assertThat(sd.getDifferential().getElement()).as("differential of %s", name).isNotEmpty();
    }
  }

  @Test
  void consentSnapshotConstrainsNestedProvisions() {
    Map<String, ElementDefinition> elements = snapshot("package/StructureDefinition-derm-image-consent.json");
    ElementDefinition purpose = elements.get("Consent.provision.provision.purpose");
    assertThat(purpose.getMin()).isEqualTo(1);
    assertThat(purpose.getBinding().getStrength()).isEqualTo(BindingStrength.REQUIRED);
    assertThat(purpose.getBinding().getValueSet()).isEqualTo(BASE + "/ValueSet/derm-image-purpose");
    assertThat(elements.get("Consent.provision.provision.securityLabel").getBinding().getValueSet())
        .isEqualTo(BASE + "/ValueSet/identifiability");
    assertThat(elements.get("Consent.provision.provision.data.reference").getTypeFirstRep().getTargetProfile())
        .extracting(t -> t.getValue()).containsExactly("http://hl7.org/fhir/StructureDefinition/Media");
    assertThat(elements.get("Consent.provision.type").getPattern().primitiveValue()).isEqualTo("deny");
    assertThat(elements.get("Consent.provision.purpose").getMax()).isEqualTo("0");
    assertThat(elements.get("Consent.patient").getMin()).isEqualTo(1);
    assertThat(elements.get("Consent.dateTime").getMin()).isEqualTo(1);
    assertThat(elements).containsKeys("Consent.category:privacyConsent", "Consent.category:dermImageUse");
  }

  @Test
  void mediaSnapshotRequiresOneIdentifiabilityLabel() {
    Map<String, ElementDefinition> elements = snapshot("package/StructureDefinition-derm-media.json");
    ElementDefinition label = elements.get("Media.meta.security:identifiability");
    assertThat(label.getMin()).isEqualTo(1);
    assertThat(label.getMax()).isEqualTo("1");
    assertThat(label.getBinding().getValueSet()).isEqualTo(BASE + "/ValueSet/identifiability");
    assertThat(elements.get("Media.subject").getMin()).isEqualTo(1);
    assertThat(elements.get("Media.modality").getBinding().getStrength()).isEqualTo(BindingStrength.REQUIRED);
    assertThat(elements.get("Media.bodySite").getBinding().getStrength()).isEqualTo(BindingStrength.EXTENSIBLE);
    assertThat(elements.get("Media").getConstraint()).extracting(c -> c.getKey())
        .contains("derm-media-1", "derm-media-2", "derm-media-3", "derm-media-6");
    assertThat(elements).containsKeys("Media.extension:imageType", "Media.extension:fitzpatrickSkinType",
        "Media.extension:lesionIdentifier", "Media.extension:identifyingFeatures",
        "Media.extension:derivedFromMedia");
  }

  @Test
  void hapiReadsThePackage() throws IOException {
    try (InputStream in = packageStream()) {
      NpmPackage npm = NpmPackage.fromPackage(in);
      assertThat(npm.name()).isEqualTo("dermconsent.fhir");
      assertThat(npm.version()).isEqualTo("0.1.0");
      assertThat(npm.fhirVersion()).isEqualTo("4.0.1");
      assertThat(npm.listResources("StructureDefinition")).hasSize(11);
      assertThat(npm.listResources("NamingSystem")).containsExactlyInAnyOrder("NamingSystem-patient-pseudonym.json",
          "NamingSystem-anonymous-subject.json", "NamingSystem-client-id.json", "NamingSystem-token-subject.json",
          "NamingSystem-resource-reference.json");
      assertThat(npm.listResources("CodeSystem")).contains("CodeSystem-audit.json");
      assertThat(npm.listResources("SearchParameter")).hasSize(9);
      assertThat(npm.listResources("OperationDefinition")).containsExactlyInAnyOrder(
          "OperationDefinition-consent-decision.json", "OperationDefinition-image-consent-summary.json",
          "OperationDefinition-deidentify.json", "OperationDefinition-extract.json",
          "OperationDefinition-respond.json", "OperationDefinition-dataset-status.json");
      // what a validator loaded with R4 core lacks: v3-ActReason's MLTRAINING (R4 core has a 2018 copy)
      assertThat(npm.listResources("CodeSystem")).contains("CodeSystem-v3-ActReason-fragment.json");
      assertThat(npm.getFolders()).containsKey("example");
    }
  }

  @Test
  void snapshotsAreAlsoOnTheClasspath() throws IOException {
    for (String id : List.of("derm-image-consent", "derm-media")) {
      String path = "dermconsent/profiles/StructureDefinition-" + id + ".json";
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
        assertThat(in).as(path).isNotNull();
        StructureDefinition sd = (StructureDefinition) FHIR.newJsonParser()
            .parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        assertThat(sd.hasSnapshot()).isTrue();
      }
    }
  }

  /**
   * The package's own profiles, extensions and SearchParameters pass the validator (the terminology
   * module validates its resources itself). HAPI's validator reports some errors for the R4 core
   * definitions themselves (an example in the core Consent snapshot; it cannot regenerate any
   * extension's snapshot, "Unable to resolve package id hl7.fhir.r4.core#null"): an error is only
   * ours if the corresponding core definition does not produce it too.
   */
  @TestFactory
  List<DynamicTest> profilesAndSearchParametersAreValid() {
    return entries.keySet().stream()
        .filter(name -> name.startsWith("package/StructureDefinition-") || name.startsWith("package/SearchParameter-"))
        .map(name -> DynamicTest.dynamicTest(name, () -> {
          Resource resource = (Resource) FHIR.newJsonParser().parseResource(text(name));
          Set<String> inheritedFromCore = errors(coreCounterpart(resource)).stream()
              .map(SingleValidationMessage::getMessage)
              .collect(Collectors.toSet());
          List<SingleValidationMessage> ours = errors(resource).stream()
              .filter(m -> !inheritedFromCore.contains(m.getMessage()))
              .toList();
          assertThat(ours).as("errors of %s", name).isEmpty();
        }))
        .toList();
  }

  /** The core definition whose validation shows which errors are not caused by DermConsent. */
  private static Resource coreCounterpart(Resource resource) {
    if (!(resource instanceof StructureDefinition sd)) {
      return null;
    }
    String coreUrl = "Extension".equals(sd.getType())
        ? "http://hl7.org/fhir/StructureDefinition/patient-birthPlace" // any core extension
        : sd.getBaseDefinition();
    return (Resource) new DefaultProfileValidationSupport(FHIR).fetchStructureDefinition(coreUrl);
  }

  private static List<SingleValidationMessage> errors(Resource resource) {
    if (resource == null) {
      return List.of();
    }
    return DermConsentFhir.validator().validateWithResult(resource).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .toList();
  }

  private static Map<String, ElementDefinition> snapshot(String entry) {
    return structureDefinition(entry).getSnapshot().getElement().stream()
        .collect(Collectors.toMap(ElementDefinition::getId, e -> e));
  }

  private static StructureDefinition structureDefinition(String entry) {
    return (StructureDefinition) FHIR.newJsonParser().parseResource(text(entry));
  }

  private static JsonNode json(String entry) throws IOException {
    return JSON.readTree(Objects.requireNonNull(entries.get(entry), entry));
  }

  private static String text(String entry) {
    return new String(Objects.requireNonNull(entries.get(entry), entry), StandardCharsets.UTF_8);
  }

  private static InputStream packageStream() {
    InputStream in = FhirPackageTest.class.getClassLoader().getResourceAsStream(PACKAGE_RESOURCE);
    assertThat(in).as("classpath resource %s", PACKAGE_RESOURCE).isNotNull();
    return in;
  }
}
