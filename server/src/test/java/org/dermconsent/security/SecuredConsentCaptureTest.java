package org.dermconsent.security;

import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Consent capture with security on (DESIGN 10): a patient-context token extracts and posts the
 * consent of its own patient only; another patient's answers are 403, and so is extraction for a
 * token that may not create consents.
 */
@SecuredServerTest
class SecuredConsentCaptureTest extends FhirApi {

	private static final String QUESTIONNAIRE = "https://dermconsent.org/fhir/Questionnaire/derm-image-consent";
	private static final String APP_SCOPES = "launch/patient openid patient/Consent.cruds patient/QuestionnaireResponse.cru patient/Media.rs";

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
	private final String research = LocalTokenIssuer.token("research-platform", "system/Media.rs",
			Map.of("purpose_of_use", List.of("ai-training")));

	private String patient;
	private String otherPatient;
	private String derivative;
	private String app;

	@BeforeEach
	void twoPatientsAndTheFirstOnesApp() {
		patient = "Patient/" + create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		otherPatient = "Patient/" + create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		String photo = create(admin, "Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		derivative = create(admin, "Media", DermJson.media(testTag, patient, "deidentified", null, DermJson.derivedFrom("Media/" + photo)));
		app = LocalTokenIssuer.token("smart-patient-app", APP_SCOPES, Map.of("patient", patient.substring("Patient/".length())));
	}

	@Test
	void aPatientExtractsAndPostsTheirOwnConsentAndItGoverns() {
		aiTrainingSearch().then().statusCode(200).body("entry", equalTo(null));

		String bundle = as(app).body(response(patient)).post("/QuestionnaireResponse/$extract").then().statusCode(200)
				.body("type", equalTo("transaction")).body("entry", hasSize(2)).extract().asString();
		as(app).body(bundle).post("").then().statusCode(200).body("type", equalTo("transaction-response"))
				.body("entry[1].response.status", containsString("201"));

		aiTrainingSearch().then().statusCode(200).body("entry.resource.id", equalTo(List.of(derivative)));
		as(app).get("/Consent?patient=" + patient).then().statusCode(200)
				.body("entry.resource.sourceReference.reference[0]", containsString("QuestionnaireResponse/"));
	}

	@Test
	void anotherPatientsAnswersAre403() {
		as(app).body(response(otherPatient)).post("/QuestionnaireResponse/$extract").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"questionnaire-response\",\"resource\":"
				+ response(otherPatient) + "}]}";
		as(app).body(parameters).post("/QuestionnaireResponse/$extract").then().statusCode(403);
		String ownThenOther = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"questionnaire-response\",\"resource\":"
				+ response(patient) + "},{\"name\":\"questionnaire-response\",\"resource\":" + response(otherPatient) + "}]}";
		as(app).body(ownThenOther).post("/QuestionnaireResponse/$extract").then().statusCode(403);

		// nor can the app post another patient's Bundle, extracted by someone who may
		String bundle = as(admin).body(response(otherPatient)).post("/QuestionnaireResponse/$extract").then().statusCode(200)
				.extract().asString();
		as(app).body(bundle).post("").then().statusCode(403);
		as(admin).get("/Consent?patient=" + otherPatient).then().statusCode(200).body("entry", equalTo(null));
	}

	@Test
	void invalidAnswersOfTheOwnPatientAre422AndWithoutAPatientToo() {
		as(app).body(response(patient).replace("ai-training/deidentified", "selling/identifiable"))
				.post("/QuestionnaireResponse/$extract").then().statusCode(422);
		as(app).body(response(patient).replace("\"subject\":{\"reference\":\"" + patient + "\"},", ""))
				.post("/QuestionnaireResponse/$extract").then().statusCode(422)
				.body("issue[0].diagnostics", containsString("subject must be"));
	}

	@Test
	void extractionNeedsTheRightToCreateConsents() {
		String readOnly = LocalTokenIssuer.token("smart-patient-app", "launch/patient patient/Consent.rs patient/Media.rs",
				Map.of("patient", patient.substring("Patient/".length())));
		as(readOnly).body(response(patient)).post("/QuestionnaireResponse/$extract").then().statusCode(403);
		as(research).header("X-Purpose-Of-Use", "ai-training").body(response(patient)).post("/QuestionnaireResponse/$extract")
				.then().statusCode(403);
		String noPatient = LocalTokenIssuer.token("smart-patient-app", APP_SCOPES, Map.of());
		as(noPatient).body(response(patient)).post("/QuestionnaireResponse/$extract").then().statusCode(403);
	}

	@Test
	void everyTokenMayReadTheForm() {
		as(research).header("X-Purpose-Of-Use", "ai-training").get("/Questionnaire?url=" + QUESTIONNAIRE).then().statusCode(200)
				.body("entry", hasSize(1));
	}

	private io.restassured.response.Response aiTrainingSearch() {
		return as(research).header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery());
	}

	private static String response(String patient) {
		return "{\"resourceType\":\"QuestionnaireResponse\",\"questionnaire\":\"" + QUESTIONNAIRE + "\",\"status\":\"completed\","
				+ "\"subject\":{\"reference\":\"" + patient + "\"},\"item\":[{\"linkId\":\"ai-training/deidentified\","
				+ "\"answer\":[{\"valueBoolean\":true}]}]}";
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private String create(String token, String type, String json) {
		String location = as(token).body(json).post("/" + type).then().statusCode(201).extract().header("Location");
		return location.replaceFirst("^.*/" + type + "/", "").replaceFirst("/_history/.*$", "");
	}
}
