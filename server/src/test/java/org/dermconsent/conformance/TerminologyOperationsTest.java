package org.dermconsent.conformance;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** DermConsent's terminology is loaded at startup and answers the standard terminology operations. */
@H2ServerTest
class TerminologyOperationsTest extends FhirApi {

	private static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
	private static final String V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

	@Test
	void lookupGivesDisplayAndPatientFriendlyText() {
		fhir().get("/CodeSystem/$lookup?system=" + IMAGE_USE + "&code=ai-training").then().statusCode(200)
				.body("parameter.find { it.name == 'display' }.valueString", equalTo("AI training"))
				.body("parameter.findAll { it.name == 'designation' }.part.flatten().find { it.name == 'use' }.valueCoding.code",
						equalTo("patient-friendly"));
	}

	@Test
	void validateCodeAcceptsKnownAndRejectsUnknownCodes() {
		fhir().get("/CodeSystem/$validate-code?url=" + IMAGE_USE + "&code=education").then().statusCode(200)
				.body("parameter.find { it.name == 'result' }.valueBoolean", equalTo(true));
		fhir().get("/CodeSystem/$validate-code?url=" + IMAGE_USE + "&code=marketing").then().statusCode(200)
				.body("parameter.find { it.name == 'result' }.valueBoolean", equalTo(false));
		fhir().get("/ValueSet/$validate-code?url=https://dermconsent.org/fhir/ValueSet/identifiability"
						+ "&system=https://dermconsent.org/fhir/CodeSystem/identifiability&code=deidentified")
				.then().body("parameter.find { it.name == 'result' }.valueBoolean", equalTo(true));
	}

	@Test
	void secondaryUseSubsumesItsFiveUses() {
		for (String child : new String[] {"education", "publication", "conference", "ai-training", "research"}) {
			fhir().get("/CodeSystem/$subsumes?system=" + IMAGE_USE + "&codeA=secondary-use&codeB=" + child)
					.then().statusCode(200).body("parameter[0].valueCode", equalTo("subsumes"));
		}
		fhir().get("/CodeSystem/$subsumes?system=" + IMAGE_USE + "&codeA=secondary-use&codeB=clinical-care")
				.then().body("parameter[0].valueCode", equalTo("not-subsumed"));
		fhir().get("/CodeSystem/$subsumes?system=" + IMAGE_USE + "&codeA=ai-training&codeB=secondary-use")
				.then().body("parameter[0].valueCode", equalTo("subsumed-by"));
	}

	@Test
	void expandListsEveryImageUse() {
		fhir().get("/ValueSet/$expand?url=https://dermconsent.org/fhir/ValueSet/image-use").then().statusCode(200)
				.body("expansion.contains.code", hasItems("clinical-care", "care-team-sharing", "secondary-use",
						"education", "publication", "conference", "ai-training", "research"));
		fhir().get("/ValueSet/$expand?url=https://dermconsent.org/fhir/ValueSet/fitzpatrick-skin-type").then().statusCode(200)
				.body("expansion.contains.code", hasItems("C74569", "C74570", "C74571", "C74572", "C74573", "C74574"));
	}

	@Test
	void translateMapsImageUsesToV3PurposeOfUse() {
		translate("ai-training").body("parameter.find { it.name == 'result' }.valueBoolean", equalTo(true))
				.body("parameter.find { it.name == 'match' }.part.find { it.name == 'concept' }.valueCoding.code",
						equalTo("MLTRAINING"));
		translate("education").body("parameter.find { it.name == 'match' }.part.find { it.name == 'concept' }.valueCoding.code",
				equalTo("TRAIN"));
		translate("research").body("parameter.find { it.name == 'match' }.part.find { it.name == 'concept' }.valueCoding.code",
				equalTo("HRESCH"));
		// journals have no v3 equivalent: the map says so instead of inventing one
		translate("publication")
				.body("parameter.find { it.name == 'match' }.part.find { it.name == 'equivalence' }.valueCode", equalTo("unmatched"))
				.body("parameter.find { it.name == 'match' }.part.find { it.name == 'concept' }.valueCoding.code",
						org.hamcrest.Matchers.nullValue());
	}

	private io.restassured.response.ValidatableResponse translate(String code) {
		return fhir().get("/ConceptMap/$translate?url=https://dermconsent.org/fhir/ConceptMap/image-use-to-v3-purposeofuse"
				+ "&system=" + IMAGE_USE + "&code=" + code + "&targetsystem=" + V3_ACT_REASON).then().statusCode(200);
	}
}
