package org.dermconsent.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.profiles.DermConsentFhir.BASE;
import static org.dermconsent.profiles.DermConsentFhir.FHIR;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;

/**
 * The custom SearchParameters extract what research platforms search for from the examples, and
 * do not shadow a standard R4 parameter.
 */
class SearchParameterTest {

  private static final Map<String, SearchParameter> BY_CODE = DermConsentFhir.jsonFiles(DermConsentFhir.SOURCE)
      .stream()
      .filter(p -> p.getFileName().toString().startsWith("SearchParameter-"))
      .map(p -> (SearchParameter) DermConsentFhir.parse(p))
      .collect(Collectors.toMap(SearchParameter::getCode, Function.identity()));

  private final IFhirPath fhirPath = FHIR.newFhirPath();

  @Test
  void theExpectedParametersExist() {
    assertThat(BY_CODE).containsOnlyKeys("image-type", "fitzpatrick-skin-type", "lesion-identifier",
        "identifying-feature", "derived-from", "identifiability", "derm-purpose", "derm-permit-purpose", "for");
    BY_CODE.values().forEach(sp -> {
      assertThat(sp.getUrl()).isEqualTo(BASE + "/SearchParameter/" + sp.getIdElement().getIdPart());
      assertThat(sp.getExpression()).startsWith(sp.getBase().get(0).getCode() + ".");
    });
  }

  @Test
  void noCustomParameterShadowsAStandardOne() {
    BY_CODE.values().forEach(sp -> {
      String base = sp.getBase().get(0).getCode();
      assertThat(FHIR.getResourceDefinition(base).getSearchParam(sp.getCode()))
          .as("standard %s?%s", base, sp.getCode()).isNull();
    });
  }

  /** Why there is no custom body-site parameter, and why derm-purpose is needed. */
  @Test
  void standardParametersCoverBodySiteButNotNestedPurposes() {
    RuntimeSearchParam site = FHIR.getResourceDefinition("Media").getSearchParam("site");
    assertThat(site.getPath()).isEqualTo("Media.bodySite");
    RuntimeSearchParam purpose = FHIR.getResourceDefinition("Consent").getSearchParam("purpose");
    assertThat(purpose.getPath()).isEqualTo("Consent.provision.purpose");
  }

  @Test
  void mediaParametersExtractFromTheExamples() {
    Resource clinical = DermConsentFhir.example("Media-derm-clinical-photo.json");
    assertThat(codes("image-type", clinical)).containsExactly("clinical-overview");
    assertThat(codes("fitzpatrick-skin-type", clinical)).containsExactly("C74570");
    assertThat(codes("identifying-feature", clinical)).containsExactly("tattoo");
    assertThat(codes("identifiability", clinical)).containsExactly("identifiable");
    assertThat(evaluate("lesion-identifier", clinical)).singleElement()
        .satisfies(v -> assertThat(((Identifier) v).getValue()).isEqualTo("L-0001"));
    assertThat(evaluate("derived-from", clinical)).isEmpty();

    Resource derivative = DermConsentFhir.example("Media-derm-dermoscopic-deidentified.json");
    assertThat(codes("identifiability", derivative)).containsExactly("deidentified");
    assertThat(evaluate("derived-from", derivative)).singleElement()
        .satisfies(v -> assertThat(((Reference) v).getReference()).isEqualTo("Media/derm-dermoscopic"));
  }

  @Test
  void consentParametersLookIntoNestedProvisions() {
    Resource typical = DermConsentFhir.example("Consent-derm-consent-typical.json");
    assertThat(codes("derm-purpose", typical)).containsExactlyInAnyOrder("ai-training", "education", "publication");
    assertThat(codes("derm-permit-purpose", typical)).containsExactlyInAnyOrder("ai-training", "education");
    assertThat(fhirPath.evaluate(typical, "Consent.provision.purpose", IBase.class))
        .as("the standard purpose parameter sees nothing").isEmpty();
  }

  private List<IBase> evaluate(String code, Resource resource) {
    return fhirPath.evaluate(resource, BY_CODE.get(code).getExpression(), IBase.class);
  }

  private List<String> codes(String code, Resource resource) {
    return evaluate(code, resource).stream()
        .flatMap(value -> value instanceof CodeableConcept cc ? cc.getCoding().stream() : Stream.of((Coding) value))
        .map(Coding::getCode)
        .toList();
  }
}
