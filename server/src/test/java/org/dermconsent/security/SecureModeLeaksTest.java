package org.dermconsent.security;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Paths by which a valid token could see what its scopes do not let it read: the match of a
 * conditional write, the body a write answers with, instance-level $validate, and a patient's own
 * login carrying user/ scopes.
 */
@SecuredServerTest
class SecureModeLeaksTest extends FhirApi {

	private String admin;
	private String patientA;
	private String patientB;
	private String consentA;
	private String consentB;
	private String imageA;
	private String imageB;
	private String appA;

	@BeforeEach
	void twoPatientsWithConsentsAndImages() {
		// made here, not when the test instance is: a slow first server start must not outlast the token
		admin = LocalTokenIssuer.token("admin", "system/*.*",
				Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
		patientA = "Patient/" + create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		patientB = "Patient/" + create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		consentA = create(admin, "Consent", consentOf(patientA));
		consentB = create(admin, "Consent", consentOf(patientB));
		imageA = create(admin, "Media", DermJson.media(testTag, patientA, "identifiable", null, ""));
		imageB = create(admin, "Media", DermJson.media(testTag, patientB, "identifiable", null, ""));
		appA = LocalTokenIssuer.token("smart-patient-app", "launch/patient openid patient/Consent.cruds patient/Media.rs",
				Map.of("patient", idOf(patientA)));
	}

	@Test
	void aConditionalCreateMatchesOnlyWhatThePatientTokenMaySearch() {
		as(appA).get("/Consent/" + consentB).then().statusCode(403);

		for (String criteria : List.of("_id=" + consentB, "patient=" + patientB, "_tag=" + tagQuery())) {
			Response answer = as(appA).header("If-None-Exist", criteria).body(consentOf(patientA)).post("/Consent");
			assertThat(answer.statusCode()).as("conditional create with %s", criteria).isEqualTo(403);
			assertThat(answer.asString()).doesNotContain(consentB).doesNotContain(idOf(patientB)).doesNotContain("matched");
		}
		as(admin).get("/Consent?patient=" + patientA).then().statusCode(200).body("entry.size()", equalTo(1));

		// criteria inside its own compartment are a search it may make: the match is its own consent
		as(appA).header("If-None-Exist", "patient=" + patientA).body(consentOf(patientA)).post("/Consent").then()
				.statusCode(200).body("id", equalTo(consentA));
	}

	@Test
	void conditionalUpdatesAndDeletesMatchOnlyWhatThePatientTokenMaySearch() {
		as(appA).body(consentOf(patientA)).put("/Consent?_id=" + consentB).then().statusCode(403);
		as(appA).delete("/Consent?_id=" + consentB).then().statusCode(403);
		as(appA).delete("/Consent?_id=no-such-consent").then().statusCode(403);
		as(admin).get("/Consent/" + consentB).then().statusCode(200).body("patient.reference", equalTo(patientB));

		as(appA).delete("/Consent?patient=" + patientA + "&_id=" + consentA).then().statusCode(200);
		as(admin).get("/Consent/" + consentA).then().statusCode(410);
	}

	@Test
	void aWriteOnlyTokenNeitherMatchesNorGetsBodiesBack() {
		String writer = LocalTokenIssuer.token("ehr", "user/Consent.cu", Map.of("purpose_of_use", List.of("clinical-care")));

		Response matched = as(writer).header("If-None-Exist", "_id=" + consentB).header("Prefer", "return=representation")
				.body(consentOf(patientA)).post("/Consent");
		assertThat(matched.statusCode()).isEqualTo(403);
		assertThat(matched.asString()).doesNotContain(consentB);

		Response created = as(writer).header("Prefer", "return=representation").body(consentOf(patientA)).post("/Consent");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.header("Location")).contains("/Consent/");
		assertThat(created.asString()).doesNotContain("\"resourceType\":\"Consent\"").doesNotContain("provision");
		String id = created.header("Location").replaceAll(".*/Consent/([^/]+)/_history/.*", "$1");
		as(admin).get("/Consent/" + id).then().statusCode(200).body("patient.reference", equalTo(patientA));
	}

	@Test
	void validatingAnInstanceNeedsTheRightToReadIt() {
		Response other = as(appA).get("/Consent/" + consentB + "/$validate");
		assertThat(other.statusCode()).isEqualTo(403);
		assertThat(other.asString()).doesNotContain(idOf(patientB));
		as(appA).get("/Media/" + imageB + "/$validate").then().statusCode(403);
		as(appA).get("/Media/no-such-image/$validate").then().statusCode(404);

		as(appA).get("/Consent/" + consentA + "/$validate").then().statusCode(200)
				.body("resourceType", equalTo("OperationOutcome"));
		as(appA).body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":"
				+ consentOf(patientA) + "}]}").post("/Consent/$validate").then().statusCode(200)
				.body("resourceType", equalTo("OperationOutcome"));
	}

	@Test
	void aPatientSignedInThroughAUserAppActsInTheirOwnCompartmentOnly() {
		for (String fhirUser : List.of(patientA, "https://fhir.example.org/fhir/" + patientA)) {
			String patientAtEhr = LocalTokenIssuer.token("ehr",
					"openid fhirUser user/Patient.rs user/Media.cruds user/Consent.cruds system/Media.rs",
					Map.of("fhirUser", fhirUser, "purpose_of_use", List.of("clinical-care", "care-team-sharing")));

			as(patientAtEhr).get("/Media/" + imageB).then().statusCode(403);
			as(patientAtEhr).get("/Media?subject=" + patientB).then().statusCode(403);
			as(patientAtEhr).get("/Media?_tag=" + tagQuery()).then().statusCode(403);
			as(patientAtEhr).get("/" + patientB).then().statusCode(403);
			as(patientAtEhr).body(consentOf(patientB)).post("/Consent").then().statusCode(403);

			as(patientAtEhr).get("/Media?subject=" + patientA).then().statusCode(200)
					.body("entry.resource.id", hasItem(imageA))
					.body("entry.resource.subject.reference", everyItem(equalTo(patientA)))
					.body("entry.resource.id", not(hasItem(imageB)));
			as(patientAtEhr).get("/" + patientA).then().statusCode(200);
		}

		String conflicting = LocalTokenIssuer.token("ehr", "user/Media.cruds",
				Map.of("fhirUser", patientA, "patient", idOf(patientB), "purpose_of_use", List.of("clinical-care")));
		as(conflicting).get("/Media?subject=" + patientB).then().statusCode(403);
		as(conflicting).get("/Media?subject=" + patientA).then().statusCode(403);
	}

	private String consentOf(String patient) {
		return DermJson.consent(testTag, patient, "active", List.of(DermJson.permit("research", null, null, null)));
	}

	private static String idOf(String reference) {
		return reference.substring(reference.indexOf('/') + 1);
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private String create(String token, String type, String json) {
		return as(token).body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
