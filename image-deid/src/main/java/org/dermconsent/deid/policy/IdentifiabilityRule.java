package org.dermconsent.deid.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether removing embedded metadata is enough to de-identify a skin image, or whether the
 * pixels themselves may identify the patient. An image of the head or neck (face, scalp, ear, lip,
 * nose, eyelid, neck...), a whole-body photograph, or an image the clinician flagged as showing an
 * identifying feature (face, tattoo, birthmark, scar, jewellery...) cannot be de-identified by
 * metadata stripping alone: it needs a pixel operation (a crop to a region the clinician attests is
 * not identifying). Plain Java; framework-free.
 *
 * <p>Body sites are matched by SNOMED CT code against a fixed list (this server has no SNOMED
 * subsumption service): the head and neck sites of {@code ValueSet/derm-body-site} plus common
 * finer head sites clients may send under the value set's extensible binding. An image with no body
 * site is judged by its identifying-feature flags only.
 */
public final class IdentifiabilityRule {

  public static final String SNOMED = "http://snomed.info/sct";
  public static final String IDENTIFYING_FEATURE_SYSTEM =
      "https://dermconsent.org/fhir/CodeSystem/identifying-feature";

  /** SNOMED CT body structures whose photographs show (or may show) a recognisable face or head. */
  public static final Map<String, String> IDENTIFYING_BODY_SITES = Map.ofEntries(
      Map.entry("69536005", "Head structure"),
      Map.entry("41695006", "Scalp structure"),
      Map.entry("89545001", "Face structure"),
      Map.entry("52795006", "Forehead structure"),
      Map.entry("45206002", "Nasal structure"),
      Map.entry("60819002", "Cheek structure"),
      Map.entry("48477009", "Lip structure"),
      Map.entry("117590005", "Ear structure"),
      Map.entry("45048000", "Neck structure"),
      Map.entry("80243003", "Eyelid structure"),
      Map.entry("371398005", "Eye region structure"),
      Map.entry("30291003", "Chin structure"),
      Map.entry("123851003", "Mouth region structure"),
      // a whole-body (total-body photography) overview includes the face
      Map.entry("38266002", "Entire body as a whole"));

  /** A coded concept: system and code, as found in Media.bodySite or the identifying-features extension. */
  public record Code(String system, String code) {
    public Code {
      Objects.requireNonNull(code, "code");
    }
  }

  /**
   * The judgement on one image.
   *
   * @param pixelsMayIdentify true when metadata stripping alone cannot de-identify the image
   * @param reasons why, in words fit for an OperationOutcome (never taken from free text)
   */
  public record Assessment(boolean pixelsMayIdentify, List<String> reasons) {
    public Assessment {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * @param bodySites the codings of the image's body site (may be empty)
   * @param identifyingFeatures the codes of every identifying-features extension on the image; any
   *     flagged feature counts, whatever its code system (the binding is extensible)
   */
  public Assessment assess(Collection<Code> bodySites, Collection<Code> identifyingFeatures) {
    List<String> reasons = new ArrayList<>();
    for (Code site : bodySites) {
      if (SNOMED.equals(site.system()) && IDENTIFYING_BODY_SITES.containsKey(site.code())) {
        reasons.add("the body site is " + IDENTIFYING_BODY_SITES.get(site.code()) + " (SNOMED CT " + site.code()
            + "), a head, neck or whole-body site");
      }
    }
    for (Code feature : identifyingFeatures) {
      String label = IDENTIFYING_FEATURE_SYSTEM.equals(feature.system()) && isSimpleCode(feature.code())
          ? "'" + feature.code() + "'" : "an identifying feature";
      reasons.add("the clinician flagged " + label + " as visible in the image");
    }
    return new Assessment(!reasons.isEmpty(), reasons);
  }

  private static boolean isSimpleCode(String code) {
    return code.matches("[a-z][a-z-]{0,30}");
  }
}
