package org.dermconsent.request;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent requests with security on (DESIGN 11): a research client asks in its own name only and sees
 * its own requests only; the patient sees the requests addressed to them and answers; another patient,
 * a guardian of someone else, and the requester itself may not answer; the permit grants to the
 * requester alone.
 */
@SecuredServerTest
class SecuredConsentRequestTest extends FhirApi {

	private static final String TASK_TYPE = ConsentRequestSuite.TASK_TYPE;
	private static final String REQUEST_CODE = ConsentRequestSuite.REQUEST_CODE;
	private static final String APP_SCOPES = "launch/patient openid patient/Task.rs patient/Consent.cr patient/Media.rs";

	private String admin;
	private String labA;
	private String labB;
	private String patient;
	private String otherPatient;
	private String image;

	@BeforeEach
	void clientsAndPatients() {
		admin = LocalTokenIssuer.token("admin", "system/*.*", Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
		String scopes = "system/Media.rs system/Task.crus system/Subscription.crd";
		labA = LocalTokenIssuer.token("lab-a", scopes, Map.of("purpose_of_use", List.of("ai-training")));
		labB = LocalTokenIssuer.token("lab-b", scopes, Map.of("purpose_of_use", List.of("ai-training")));
		patient = create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		otherPatient = create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		image = create(admin, "Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, ""));
	}

	@Test
	void aClientAsksInItsOwnNameThepatientAnswersAndThePermitGrantsToThatClientAlone() {
		assertThat(lab(labA).body(request("Device/lab-b", "ai-training")).post("/Task").then().statusCode(422).extract().asString())
				.contains("Device/lab-a");
		String id = create(lab(labA), request("Device/lab-a", "ai-training"));

		// the requester and the patient see it; another client neither sees nor counts it
		assertThat(lab(labB).get("/Task/" + id).statusCode()).isIn(403, 404);
		assertThat(lab(labB).get("/Task?code=" + REQUEST_CODE + "&_summary=count").then().statusCode(200)
				.extract().<Integer>path("total")).isZero();
		assertThat(lab(labB).get("/Task?_total=accurate&for=Patient/" + patient).then().statusCode(200)
				.extract().<Integer>path("total")).isZero();
		lab(labA).get("/Task/" + id).then().statusCode(200);
		assertThat(lab(labA).get("/Task?code=" + REQUEST_CODE + "&for=Patient/" + patient + "&_summary=count").then()
				.statusCode(200).extract().<Integer>path("total")).isEqualTo(1);
		String app = app(patient, Map.of());
		as(app).get("/Task?for=Patient/" + patient + "&code=" + REQUEST_CODE + "&status=requested").then().statusCode(200)
				.body("total", org.hamcrest.Matchers.equalTo(1)).body("entry[0].resource.id", org.hamcrest.Matchers.equalTo(id));
		as(app).get("/Task/" + id).then().statusCode(200);
		String otherApp = app(otherPatient, Map.of());
		assertThat(as(otherApp).get("/Task?for=Patient/" + patient + "&code=" + REQUEST_CODE).statusCode()).isEqualTo(403);
		assertThat(as(otherApp).get("/Task/" + id).statusCode()).isIn(403, 404);

		// a client subscribes to its own requests only
		String endpoint = "http://127.0.0.1:9/requests";
		assertThat(subscribe(labA, "Task?code=" + REQUEST_CODE + "&requester=Device/lab-b", endpoint).statusCode()).isEqualTo(422);
		String subscription = subscribe(labA, "Task?code=" + REQUEST_CODE + "&requester=Device/lab-a", endpoint)
				.then().statusCode(201).extract().path("id");
		lab(labA).delete("/Subscription/" + subscription).then().statusCode(200);

		// neither another patient, nor the requester, nor a client without a consent scope answers
		assertThat(respond(as(otherApp), id, "permit").statusCode()).isEqualTo(403);
		assertThat(respond(lab(labA), id, "permit").statusCode()).isEqualTo(403);
		assertThat(lab(labB).get("/Media/" + image).statusCode()).isEqualTo(403);
		assertThat(lab(labA).get("/Media/" + image).statusCode()).isEqualTo(403);

		respond(as(app), id, "permit").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("completed"));
		// the permit names the requester: lab-a may now use the image for ai-training, lab-b still may not
		lab(labA).get("/Media/" + image).then().statusCode(200);
		assertThat(lab(labB).get("/Media/" + image).statusCode()).isEqualTo(403);
		assertThat(lab(labB).get("/Media?_summary=count&_tag=urn:dermconsent:test|" + testTag).then().statusCode(200)
				.extract().<Integer>path("total")).isZero();
	}

	@Test
	void aGuardianOfThePatientAnswersAGuardianOfAnotherDoesNot() {
		String guardian = create(admin, "RelatedPerson", "{\"resourceType\":\"RelatedPerson\"," + metaWithTestTag()
				+ ",\"active\":true,\"patient\":{\"reference\":\"Patient/" + patient + "\"}}");
		String stranger = create(admin, "RelatedPerson", "{\"resourceType\":\"RelatedPerson\"," + metaWithTestTag()
				+ ",\"active\":true,\"patient\":{\"reference\":\"Patient/" + otherPatient + "\"}}");
		String id = create(lab(labA), request("Device/lab-a", "research"));
		String strangersApp = app(patient, Map.of("fhirUser", "RelatedPerson/" + stranger));
		assertThat(respond(as(strangersApp), id, "deny").statusCode()).isEqualTo(403);
		String guardiansApp = app(patient, Map.of("fhirUser", "RelatedPerson/" + guardian));
		respond(as(guardiansApp), id, "deny").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("rejected"));
		// and the same client may not ask again for research (180 days)
		lab(labA).body(request("Device/lab-a", "research")).post("/Task").then().statusCode(422);
	}

	@Test
	void aClinicianActingForPatientsAnswersAndIsTheConsentsPerformer() {
		String id = create(lab(labA), request("Device/lab-a", "education"));
		String practitioner = "Practitioner/" + create(admin, "Practitioner", "{\"resourceType\":\"Practitioner\"," + metaWithTestTag() + "}");
		String clinician = LocalTokenIssuer.token("ehr", "openid user/Consent.cr user/Task.rs",
				Map.of("fhirUser", practitioner, "purpose_of_use", List.of("clinical-care")));
		Response answered = respond(as(clinician), id, "permit");
		answered.then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("completed"));
		String consent = answered.path("output[0].valueReference.reference");
		as(admin).get("/" + consent).then().statusCode(200)
				.body("performer[0].reference", org.hamcrest.Matchers.equalTo(practitioner));
	}

	private String app(String patientId, Map<String, Object> extra) {
		Map<String, Object> claims = new java.util.HashMap<>(extra);
		claims.put("patient", patientId);
		return LocalTokenIssuer.token("smart-patient-app", APP_SCOPES, claims);
	}

	private String request(String requester, String use) {
		return "{\"resourceType\":\"Task\"," + metaWithTestTag() + ",\"status\":\"requested\",\"intent\":\"proposal\","
				+ "\"code\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"consent-request\"}]},"
				+ "\"description\":\"May we use your de-identified photo?\","
				+ "\"for\":{\"reference\":\"Patient/" + patient + "\"},\"requester\":{\"reference\":\"" + requester + "\"},"
				+ "\"input\":[" + ConsentRequestSuite.purposeInput(use)
				+ ",{\"type\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"image\"}]},"
				+ "\"valueReference\":{\"reference\":\"Media/" + image + "\"}}"
				+ ",{\"type\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"period\"}]},\"valuePeriod\":{\"end\":\""
				+ Instant.now().plus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}}]}";
	}

	private Response respond(RequestSpecification as, String task, String decision) {
		return as.body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"decision\",\"valueCode\":\"" + decision + "\"}]}")
				.post("/Task/" + task + "/$respond");
	}

	private Response subscribe(String token, String criteria, String endpoint) {
		return lab(token).body("{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"answers\","
				+ "\"criteria\":\"" + criteria + "\",\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"" + endpoint
				+ "\",\"payload\":\"application/fhir+json\"}}").post("/Subscription");
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private RequestSpecification lab(String token) {
		return as(token).header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(String token, String type, String json) {
		return as(token).body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private String create(RequestSpecification as, String json) {
		return as.body(json).post("/Task").then().statusCode(201).extract().path("id");
	}
}
