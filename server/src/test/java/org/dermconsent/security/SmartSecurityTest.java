package org.dermconsent.security;

import com.nimbusds.jwt.JWTClaimsSet;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.RequestLogAtInfo;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** SMART on FHIR over real HTTP: token checks, scopes, patient compartments and purposes of use. */
@SecuredServerTest
@ExtendWith({OutputCaptureExtension.class, RequestLogAtInfo.class})
class SmartSecurityTest extends FhirApi {

	private static final String NO_PARAMETERS = "{\"resourceType\":\"Parameters\"}";
	private static final Map<String, Object> RESEARCH_PURPOSES =
			Map.of("purpose_of_use", List.of("ai-training", "research", "education"));

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
	private final String research = LocalTokenIssuer.token("research-platform", "system/Media.rs", RESEARCH_PURPOSES);

	private String patient;
	private String otherPatient;
	private String photo;
	private String derivative;

	@BeforeEach
	void patientWhoAllowsDeidentifiedTraining() {
		patient = "Patient/" + create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		otherPatient = "Patient/" + create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create(admin, "Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		photo = create(admin, "Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		derivative = create(admin, "Media", DermJson.media(testTag, patient, "deidentified", null, DermJson.derivedFrom("Media/" + photo)));
		create(admin, "Media", DermJson.media(testTag, otherPatient, "deidentified", null, ""));
	}

	@Test
	void capabilityStatementAndSmartConfigurationArePublic() {
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].security.service[0].coding[0].code", equalTo("SMART-on-FHIR"))
				.body("rest[0].security.extension[0].extension.find { it.url == 'token' }.valueUri",
						equalTo(LocalTokenIssuer.ISSUER + "/protocol/openid-connect/token"));
		fhir().get("/.well-known/smart-configuration").then().statusCode(200)
				.body("issuer", equalTo(LocalTokenIssuer.ISSUER))
				.body("code_challenge_methods_supported", hasItem("S256"))
				.body("capabilities", hasItem("permission-v2"));
		RestAssured.given().get("http://127.0.0.1:" + port + "/actuator/health").then().statusCode(200);
	}

	@Test
	void requestsWithoutAValidTokenAre401() {
		fhir().get("/Media").then().statusCode(401).body("resourceType", equalTo("OperationOutcome"))
				.header("WWW-Authenticate", containsString("Bearer"));
		JWTClaimsSet valid = LocalTokenIssuer.claims("research-platform", "system/Media.rs", RESEARCH_PURPOSES).build();
		List<String> refused = List.of(
				LocalTokenIssuer.signTrusted(LocalTokenIssuer.claims("research-platform", "system/Media.rs", RESEARCH_PURPOSES)
						.expirationTime(Date.from(Instant.now().minusSeconds(120))).build()),
				LocalTokenIssuer.signTrusted(LocalTokenIssuer.claims("research-platform", "system/Media.rs", RESEARCH_PURPOSES)
						.audience("another-server").build()),
				LocalTokenIssuer.signTrusted(LocalTokenIssuer.claims("research-platform", "system/Media.rs", RESEARCH_PURPOSES)
						.issuer("https://evil.test.invalid/realms/dermconsent").build()),
				LocalTokenIssuer.forged(valid),
				LocalTokenIssuer.unsigned(valid),
				LocalTokenIssuer.hmacWithPublicKey(valid),
				"not-a-jwt");
		for (String token : refused) {
			as(token).header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then()
					.statusCode(401).body("resourceType", equalTo("OperationOutcome"));
		}
		as(LocalTokenIssuer.signTrusted(valid)).header("X-Purpose-Of-Use", "ai-training")
				.get("/Media?_tag=" + tagQuery()).then().statusCode(200);
	}

	@Test
	void requestsTheContainerRefusesKeepTheirStatusWithoutAToken() {
		for (String malformed : List.of("/%2e%2e/Patient", "/Patient/a%0d%0ab")) {
			raw().urlEncodingEnabled(false).accept("application/fhir+json").get(malformed).then().statusCode(400)
					.body("resourceType", equalTo("OperationOutcome"));
		}
		raw().accept("application/fhir+json").header("X-Padding", "a".repeat(64 * 1024)).get("/Patient").then()
				.statusCode(400).body("resourceType", equalTo("OperationOutcome"));
	}

	@Test
	void researchPlatformSeesOnlyPermittedImagesForItsPurpose() {
		as(research).header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(derivative)));
		as(research).header("X-Purpose-Of-Use", "ai-training").get("/Media/" + photo).then().statusCode(403);
	}

	@Test
	void purposesOutsideTheTokenAre403AndAPurposeIsRequired() {
		as(research).header("X-Purpose-Of-Use", "publication").get("/Media?_tag=" + tagQuery()).then().statusCode(403)
				.body("issue[0].diagnostics", containsString("publication"));
		as(research).get("/Media?_tag=" + tagQuery()).then().statusCode(403)
				.body("issue[0].diagnostics", containsString("purpose of use is required"));
		as(research).header("X-Purpose-Of-Use", "no-such-use").get("/Media").then().statusCode(400);
	}

	@Test
	void writesAndOtherTypesNeedTheirScope() {
		as(research).header("X-Purpose-Of-Use", "research")
				.body(DermJson.media(testTag, patient, "deidentified", null, "")).post("/Media").then().statusCode(403);
		as(research).header("X-Purpose-Of-Use", "research").get("/Consent?patient=" + patient).then().statusCode(403);
		as(research).header("X-Purpose-Of-Use", "research").get("/" + patient).then().statusCode(403);
	}

	@Test
	void deidentifyingNeedsAScopeToCreateMedia() {
		as(research).header("X-Purpose-Of-Use", "research").body(NO_PARAMETERS).post("/Media/" + photo + "/$deidentify").then().statusCode(403);
		as(admin).body(NO_PARAMETERS).post("/Media/" + photo + "/$deidentify").then().statusCode(201)
				.body("meta.security.code", hasItem("deidentified"));
	}

	@Test
	void ehrUserPostsConsentsButCannotReadWithoutTheScope() {
		String ehr = LocalTokenIssuer.token("ehr", "user/Consent.cu", Map.of("purpose_of_use", List.of("clinical-care")));
		String location = as(ehr).body(DermJson.consent(testTag, patient, "active", List.of(DermJson.permit("education", null, null, null))))
				.post("/Consent").then().statusCode(201).extract().header("Location");
		String consent = location.replaceAll(".*/Consent/([^/]+)/_history/.*", "$1");
		as(ehr).get("/Consent/" + consent).then().statusCode(403);
		as(admin).get("/Consent/" + consent).then().statusCode(200);
		as(admin).header("X-Purpose-Of-Use", "education").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(2));
	}

	@Test
	void patientAppSeesAndChangesOnlyItsOwnCompartment() {
		String app = LocalTokenIssuer.token("smart-patient-app", "launch/patient openid patient/Consent.cruds patient/Media.rs",
				Map.of("patient", patient.substring("Patient/".length())));
		as(app).get("/Consent?patient=" + patient).then().statusCode(200)
				.body("entry.resource.patient.reference", everyItem(equalTo(patient)));
		as(app).get("/Consent?patient=" + otherPatient).then().statusCode(403);
		as(app).get("/Media?subject=" + patient).then().statusCode(200)
				.body("entry.resource.id", hasItem(photo));
		as(app).get("/Media?subject=" + otherPatient).then().statusCode(403);

		as(app).body(DermJson.consent(testTag, patient, "active", List.of(DermJson.permit("research", null, null, null))))
				.post("/Consent").then().statusCode(201);
		as(app).body(DermJson.consent(testTag, otherPatient, "active", List.of(DermJson.permit("research", null, null, null))))
				.post("/Consent").then().statusCode(403);
		as(app).header("X-Purpose-Of-Use", "research").get("/Media?subject=" + patient).then().statusCode(403);
	}

	@Test
	void aPatientSearchesTheAccountingOfDisclosuresOfTheirImages() throws InterruptedException {
		as(research).header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		String app = LocalTokenIssuer.token("smart-patient-app", "launch/patient patient/AuditEvent.rs",
				Map.of("patient", patient.substring("Patient/".length())));
		List<String> clients = List.of();
		for (int attempt = 0; attempt < 50 && clients.isEmpty(); attempt++) {
			Thread.sleep(200);
			clients = as(app).get("/AuditEvent?patient=" + patient).then().statusCode(200).extract()
					.jsonPath().getList("entry.resource.agent.flatten().who.identifier.value", String.class);
		}
		org.assertj.core.api.Assertions.assertThat(clients).containsExactly("research-platform", "sub-research-platform");
		as(app).get("/AuditEvent?patient=" + otherPatient).then().statusCode(403);
	}

	@Test
	void aGrantToOneClientIsForThatClientOnly() {
		create(admin, "Consent", DermJson.consent(testTag, otherPatient, "active",
				List.of(DermJson.permit("research", null, null, null)
						.replace("{\"type\":\"permit\",", "{\"type\":\"permit\",\"actor\":[{\"role\":{\"coding\":[{\"system\":"
								+ "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"IRCP\"}]},"
								+ "\"reference\":{\"reference\":\"Device/research-platform\"}}],"))));
		String otherClient = LocalTokenIssuer.token("other-lab", "system/Media.rs", RESEARCH_PURPOSES);

		as(research).header("X-Purpose-Of-Use", "research").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(1));
		as(otherClient).header("X-Purpose-Of-Use", "research").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(0));
	}

	@Test
	void refusedTokensAreInTheRequestLog(CapturedOutput output) {
		String marker = "unlogged-" + java.util.UUID.randomUUID();
		fhir().get("/Media?_id=" + marker).then().statusCode(401);
		as(LocalTokenIssuer.forged(LocalTokenIssuer.claims("research-platform", "system/Media.rs", RESEARCH_PURPOSES).build()))
				.get("/Patient?_id=" + marker).then().statusCode(401);

		List<String> refusals = output.getAll().lines()
				.filter(line -> line.contains("dermconsent.access") && line.contains(marker)).toList();
		assertThat(refusals).hasSize(2).allMatch(line -> line.contains("failed: 401"));
		assertThat(refusals.get(0)).contains("GET", "/fhir/Media", "An access token is required");
		assertThat(refusals.get(1)).contains("/fhir/Patient", "The access token was refused");
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private String create(String token, String type, String json) {
		return as(token).body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
