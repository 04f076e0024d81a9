package org.dermconsent.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;

/**
 * The two code systems DermConsent uses that the FHIR R4 (4.0.1) core package, and hence HAPI's
 * DefaultProfileValidationSupport, only has in versions older than the codes the design fixes:
 *
 * <ul>
 *   <li>DICOM DCM (2015 copy) lacks {@code DMS} (dermoscopy), the modality of dermoscopic images;
 *   <li>HL7 v3-ActReason (2018 copy) lacks {@code MLTRAINING}, the PurposeOfUse for AI training.
 * </ul>
 *
 * <p>Without help the validator reports "Unknown code" errors for them. This support serves
 * supersets of the core copies with the missing concepts added, so that every other code is still
 * checked exactly as before. Put it in front of DefaultProfileValidationSupport in the chain (the
 * server puts it at the head of its JPA validation chain).
 */
public final class NewerThanR4CoreCodes {

  public static final String DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM";
  public static final String V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  private NewerThanR4CoreCodes() {}

  public static PrePopulatedValidationSupport create(FhirContext fhirContext) {
    DefaultProfileValidationSupport core = new DefaultProfileValidationSupport(fhirContext);
    PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(fhirContext);

    CodeSystem dicom = ((CodeSystem) core.fetchCodeSystem(DICOM_DCM)).copy();
    dicom.addConcept()
        .setCode("DMS")
        .setDisplay("Dermoscopy")
        .setDefinition("Images of the skin acquired with a dermatoscope (DICOM modality DMS).");
    support.addCodeSystem(dicom);

    CodeSystem actReason = ((CodeSystem) core.fetchCodeSystem(V3_ACT_REASON)).copy();
    ConceptDefinitionComponent purposeOfUse = find(actReason, "PurposeOfUse");
    purposeOfUse.addConcept()
        .setCode("MLTRAINING")
        .setDisplay("machine learning training")
        .setDefinition("To use information to train, validate or test machine learning models.");
    support.addCodeSystem(actReason);
    return support;
  }

  private static ConceptDefinitionComponent find(CodeSystem codeSystem, String code) {
    java.util.Deque<ConceptDefinitionComponent> queue = new java.util.ArrayDeque<>(codeSystem.getConcept());
    while (!queue.isEmpty()) {
      ConceptDefinitionComponent next = queue.pop();
      if (code.equals(next.getCode())) {
        return next;
      }
      queue.addAll(next.getConcept());
    }
    throw new IllegalStateException(code + " not found in " + codeSystem.getUrl());
  }
}
