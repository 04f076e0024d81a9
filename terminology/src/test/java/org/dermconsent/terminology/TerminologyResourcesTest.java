package org.dermconsent.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class TerminologyResourcesTest {

  private static final String BASE = "https://dermconsent.org/fhir";
  private static final String RESOURCE_DIR = "/dermconsent/terminology";
  private static final String IMAGE_USE = BASE + "/CodeSystem/image-use";
  private static final String PATIENT_FRIENDLY_USE = BASE + "/CodeSystem/designation-use";
  private static final String V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private static Map<Path, MetadataResource> resourcesByFile;

  @BeforeAll
  static void loadResources() throws IOException, URISyntaxException {
    Path dir = Path.of(Objects.requireNonNull(
        TerminologyResourcesTest.class.getResource(RESOURCE_DIR), RESOURCE_DIR).toURI());
    IParser strictParser = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    try (Stream<Path> files = Files.list(dir)) {
      resourcesByFile = files
          .filter(file -> file.getFileName().toString().endsWith(".json"))
          .sorted()
          .collect(Collectors.toMap(Function.identity(),
              file -> (MetadataResource) strictParser.parseResource(read(file)),
              (a, b) -> a, java.util.LinkedHashMap::new));
    }
  }

  @Test
  void everyFileIsAConformanceResourceNamedAfterItsTypeAndId() {
    assertThat(resourcesByFile).isNotEmpty();
    resourcesByFile.forEach((file, resource) -> {
      String type = resource.fhirType();
      String id = resource.getIdElement().getIdPart();
      assertThat(file.getFileName().toString()).isEqualTo(type + "-" + id + ".json");
      if (isFragmentOfAnotherCodeSystem(resource)) {
        // a fragment keeps the url and version of the code system it is part of
        assertThat(resource.getUrl()).as("url of %s", file).doesNotStartWith(BASE);
        assertThat(resource.getVersion()).as("version of %s", file).isNotBlank();
      } else {
        assertThat(resource.getUrl()).as("url of %s", file).isEqualTo(BASE + "/" + type + "/" + id);
        assertThat(resource.getVersion()).as("version of %s", file).isEqualTo("0.1.0");
      }
      assertThat(resource.getStatus()).as("status of %s", file).isEqualTo(PublicationStatus.ACTIVE);
      assertThat(resource.getPublisher()).as("publisher of %s", file).isEqualTo("DermConsent");
      assertThat(resource.getName()).as("name of %s", file).matches("[A-Z][A-Za-z0-9]*");
      assertThat(resource.getDescription()).as("description of %s", file).isNotBlank();
    });
  }

  /**
   * The fragments give a validator loaded with R4 core the codes the design needs that postdate
   * R4 core's copies, and only codes that ValueSet/derm-image-purpose names.
   */
  @Test
  void actReasonFragmentHoldsTheFourPurposesOfUseTheDesignNames() {
    CodeSystem fragment = resource(CodeSystem.class, "v3-ActReason-fragment");
    assertThat(fragment.getUrl()).isEqualTo(NewerThanR4CoreCodes.V3_ACT_REASON);
    assertThat(fragment.getContent()).isEqualTo(CodeSystem.CodeSystemContentMode.FRAGMENT);
    assertThat(fragment.getConcept()).extracting(ConceptDefinitionComponent::getCode)
        .containsExactly("TREAT", "TRAIN", "MLTRAINING", "HRESCH");
    List<String> purposeCodes = valueSet("derm-image-purpose").getCompose().getInclude().stream()
        .filter(include -> include.getSystem().equals(NewerThanR4CoreCodes.V3_ACT_REASON))
        .flatMap(include -> include.getConcept().stream()).map(ValueSet.ConceptReferenceComponent::getCode)
        .toList();
    assertThat(fragment.getConcept()).extracting(ConceptDefinitionComponent::getCode)
        .containsExactlyInAnyOrderElementsOf(purposeCodes);
  }

  private static boolean isFragmentOfAnotherCodeSystem(MetadataResource resource) {
    return resource instanceof CodeSystem cs && cs.getContent() == CodeSystem.CodeSystemContentMode.FRAGMENT
        && !cs.getUrl().startsWith(BASE + "/");
  }

  @Test
  void contractResourcesAndCodesFromTheDesignExist() {
    assertThat(codeSystem("consent-category").getConcept())
        .extracting(ConceptDefinitionComponent::getCode).containsExactly("derm-image-use");
    assertThat(codeSystem("identifiability").getConcept())
        .extracting(ConceptDefinitionComponent::getCode).containsExactly("identifiable", "deidentified");
    assertThat(valueSet("image-use").getCompose().getIncludeFirstRep().getSystem()).isEqualTo(IMAGE_USE);
    assertThat(valueSet("identifiability").getCompose().getIncludeFirstRep().getSystem())
        .isEqualTo(BASE + "/CodeSystem/identifiability");
    assertThat(resource(ConceptMap.class, "image-use-to-v3-purposeofuse")).isNotNull();
    for (String id : List.of("derm-image-purpose", "derm-body-site", "fitzpatrick-skin-type",
        "derm-modality", "image-type", "consent-category", "identifying-feature")) {
      assertThat(valueSet(id)).as("ValueSet/%s", id).isNotNull();
    }
  }

  @Test
  void secondaryUseIsTheParentOfExactlyTheFiveSecondaryPurposes() {
    CodeSystem imageUse = codeSystem("image-use");
    assertThat(imageUse.getHierarchyMeaning()).isEqualTo(CodeSystem.CodeSystemHierarchyMeaning.ISA);
    assertThat(imageUse.getConcept()).extracting(ConceptDefinitionComponent::getCode)
        .containsExactly("clinical-care", "care-team-sharing", "secondary-use", "recontact");
    ConceptDefinitionComponent secondaryUse = imageUse.getConcept().get(2);
    assertThat(secondaryUse.getConcept()).extracting(ConceptDefinitionComponent::getCode)
        .containsExactlyInAnyOrder("education", "publication", "conference", "ai-training", "research");
    assertThat(secondaryUse.getConcept()).allSatisfy(child -> assertThat(child.getConcept()).isEmpty());
    assertThat(imageUse.getConcept().get(3).getConcept()).as("recontact is no grouping").isEmpty();
    assertThat(imageUse.getCount()).isEqualTo(9);
  }

  @Test
  void everyImageUseHasAnImplementerDefinitionAndAPatientFriendlyDesignation() {
    List<ConceptDefinitionComponent> all = flatten(codeSystem("image-use").getConcept());
    assertThat(all).hasSize(9).allSatisfy(concept -> {
      assertThat(concept.getDefinition()).as("definition of %s", concept.getCode()).isNotBlank();
      assertThat(concept.getDesignation())
          .as("patient-friendly designation of %s", concept.getCode())
          .filteredOn(d -> PATIENT_FRIENDLY_USE.equals(d.getUse().getSystem())
              && "patient-friendly".equals(d.getUse().getCode()))
          .singleElement()
          .satisfies(d -> assertThat(d.getValue()).isNotBlank().isNotEqualTo(concept.getDefinition()));
    });
  }

  @Test
  void everyValueSetCodeExistsInItsCodeSystem() {
    // R4 core code systems, with the two codes the design needs that postdate them (DCM DMS, MLTRAINING)
    ValidationSupportChain core = new ValidationSupportChain(
        NewerThanR4CoreCodes.create(FHIR), new DefaultProfileValidationSupport(FHIR));
    for (ValueSet valueSet : resourcesOfType(ValueSet.class)) {
      assertThat(valueSet.getCompose().getInclude()).as("includes of %s", valueSet.getUrl()).isNotEmpty();
      for (ConceptSetComponent include : valueSet.getCompose().getInclude()) {
        String system = include.getSystem();
        CodeSystem codeSystem = system.startsWith(BASE)
            ? localCodeSystemByUrl(system)
            : (CodeSystem) core.fetchCodeSystem(system);
        if (system.startsWith(BASE)) {
          assertThat(codeSystem).as("local code system %s of %s", system, valueSet.getUrl()).isNotNull();
        }
        if (include.getConcept().isEmpty()) {
          assertThat(codeSystem).as("%s includes all of %s, which must be ours", valueSet.getUrl(), system)
              .isNotNull();
          continue;
        }
        for (ValueSet.ConceptReferenceComponent concept : include.getConcept()) {
          assertThat(concept.getDisplay()).as("display of %s|%s", system, concept.getCode()).isNotBlank();
          if (codeSystem == null || codeSystem.getContent() != CodeSystem.CodeSystemContentMode.COMPLETE) {
            continue; // no content to check against here (SNOMED CT, DICOM, NCIt)
          }
          ConceptDefinitionComponent defined = find(codeSystem.getConcept(), concept.getCode());
          assertThat(defined).as("%s|%s in %s", system, concept.getCode(), valueSet.getUrl()).isNotNull();
          assertThat(concept.getDisplay()).as("display of %s|%s", system, concept.getCode())
              .isEqualToIgnoringCase(defined.getDisplay());
        }
      }
    }
  }

  @Test
  void derivedValueSetsHaveTheExpectedSize() {
    assertThat(valueSet("fitzpatrick-skin-type").getCompose().getIncludeFirstRep().getConcept())
        .extracting(ValueSet.ConceptReferenceComponent::getCode)
        .containsExactly("C74569", "C74570", "C74571", "C74572", "C74573", "C74574");
    assertThat(valueSet("derm-image-purpose").getCompose().getInclude())
        .extracting(ConceptSetComponent::getSystem).containsExactly(IMAGE_USE, V3_ACT_REASON);
    assertThat(valueSet("derm-image-purpose").getCompose().getInclude().get(1).getConcept())
        .extracting(ValueSet.ConceptReferenceComponent::getCode)
        .containsExactlyInAnyOrder("TREAT", "TRAIN", "MLTRAINING", "HRESCH");
    assertThat(valueSet("derm-body-site").getCompose().getIncludeFirstRep().getConcept())
        .hasSizeGreaterThanOrEqualTo(30)
        .allSatisfy(c -> assertThat(c.getCode()).matches("[1-9][0-9]{5,17}"));
    assertThat(flatten(codeSystem("image-type").getConcept()))
        .allSatisfy(c -> assertThat(c.getProperty()).singleElement()
            .satisfies(p -> assertThat(p.getCode()).isEqualTo("isic-image-type")));
  }

  @Test
  void conceptMapCoversEveryImageUseAsTheDesignSays() {
    ConceptMap map = resource(ConceptMap.class, "image-use-to-v3-purposeofuse");
    assertThat(map.getGroup()).singleElement().satisfies(group -> {
      assertThat(group.getSource()).isEqualTo(IMAGE_USE);
      assertThat(group.getTarget()).isEqualTo(V3_ACT_REASON);
    });
    Map<String, TargetElementComponent> targetBySource = map.getGroupFirstRep().getElement().stream()
        .collect(Collectors.toMap(ConceptMap.SourceElementComponent::getCode,
            element -> {
              assertThat(element.getTarget()).as("targets of %s", element.getCode()).hasSize(1);
              return element.getTargetFirstRep();
            }));
    assertThat(targetBySource.keySet()).containsExactlyInAnyOrderElementsOf(
        flatten(codeSystem("image-use").getConcept()).stream().map(ConceptDefinitionComponent::getCode).toList());
    assertThat(targetBySource.get("clinical-care").getCode()).isEqualTo("TREAT");
    assertThat(targetBySource.get("care-team-sharing").getCode()).isEqualTo("TREAT");
    assertThat(targetBySource.get("education").getCode()).isEqualTo("TRAIN");
    assertThat(targetBySource.get("ai-training").getCode()).isEqualTo("MLTRAINING");
    assertThat(targetBySource.get("research").getCode()).isEqualTo("HRESCH");
    assertUnmatched(targetBySource.get("publication"), "HRESCH");
    assertUnmatched(targetBySource.get("conference"), "TRAIN");
    assertUnmatched(targetBySource.get("secondary-use"), "children");
    assertUnmatched(targetBySource.get("recontact"), "Not a purpose of use of images");
  }

  @TestFactory
  Stream<DynamicTest> everyResourceIsValidFhir() {
    FhirValidator validator = newValidator();
    return resourcesByFile.entrySet().stream().map(entry -> DynamicTest.dynamicTest(
        entry.getKey().getFileName().toString(), () -> {
          List<SingleValidationMessage> errors = validator.validateWithResult(entry.getValue())
              .getMessages().stream()
              .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
              .toList();
          assertThat(errors).as("validation errors of %s", entry.getKey().getFileName()).isEmpty();
        }));
  }

  private static FhirValidator newValidator() {
    PrePopulatedValidationSupport dermConsent = new PrePopulatedValidationSupport(FHIR);
    resourcesByFile.values().forEach(dermConsent::addResource);
    ValidationSupportChain chain = new ValidationSupportChain(
        dermConsent,
        NewerThanR4CoreCodes.create(FHIR),
        new DefaultProfileValidationSupport(FHIR),
        new CommonCodeSystemsTerminologyService(FHIR),
        new InMemoryTerminologyServerValidationSupport(FHIR),
        new SnapshotGeneratingValidationSupport(FHIR));
    return FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
  }

  private static void assertUnmatched(TargetElementComponent target, String commentMentions) {
    assertThat(target.getEquivalence()).isEqualTo(ConceptMapEquivalence.UNMATCHED);
    assertThat(target.hasCode()).as("an unmatched target names no code").isFalse();
    assertThat(target.getComment()).contains(commentMentions);
  }

  private static ConceptDefinitionComponent find(List<ConceptDefinitionComponent> concepts, String code) {
    return flatten(concepts).stream().filter(c -> c.getCode().equals(code)).findFirst().orElse(null);
  }

  private static List<ConceptDefinitionComponent> flatten(List<ConceptDefinitionComponent> concepts) {
    return concepts.stream()
        .flatMap(c -> Stream.concat(Stream.of(c), flatten(c.getConcept()).stream()))
        .toList();
  }

  private static CodeSystem localCodeSystemByUrl(String url) {
    return resourcesOfType(CodeSystem.class).stream()
        .filter(cs -> cs.getUrl().equals(url)).findFirst().orElse(null);
  }

  private static CodeSystem codeSystem(String id) {
    return resource(CodeSystem.class, id);
  }

  private static ValueSet valueSet(String id) {
    return resource(ValueSet.class, id);
  }

  private static <T extends IBaseResource> T resource(Class<T> type, String id) {
    return resourcesOfType(type).stream()
        .filter(r -> r.getIdElement().getIdPart().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("missing " + type.getSimpleName() + "/" + id));
  }

  private static <T extends IBaseResource> List<T> resourcesOfType(Class<T> type) {
    return resourcesByFile.values().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
