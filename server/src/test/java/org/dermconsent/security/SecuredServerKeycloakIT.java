package org.dermconsent.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.KeycloakServer;
import org.dermconsent.support.KeycloakServerExtension;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * The server with security on, trusting the real Keycloak realm of docker/keycloak: tokens by client
 * credentials, by authorization code with PKCE and by password grant, checked against the realm's
 * published keys. Run with {@code -Pkeycloak} (.ci/run does).
 */
@ExtendWith({KeycloakServerExtension.class, OutputCaptureExtension.class})
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-keycloak-it;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.security.enabled=true",
			"dermconsent.security.issuer-uri=" + KeycloakServer.ISSUER
		})
class SecuredServerKeycloakIT {

	private static final String OTHER_PATIENT = "keycloak-it-other";

	private static KeycloakServer keycloak;

	@LocalServerPort
	int port;

	@Autowired
	DaoRegistry daoRegistry;

	@Autowired
	FhirContext fhirContext;

	private final String tag = "kc-" + UUID.randomUUID();
	private String photo;
	private String derivative;
	private String othersImage;

	@BeforeAll
	static void realm(KeycloakServer server) {
		keycloak = server;
	}

	/** The demo patient (as the realm's patient user) allows de-identified AI training; another patient allows nothing. */
	@BeforeEach
	void imagesAndConsents() {
		store("{\"resourceType\":\"Patient\",\"id\":\"" + KeycloakServer.PATIENT_ID + "\"}");
		store("{\"resourceType\":\"Patient\",\"id\":\"" + OTHER_PATIENT + "\"}");
		String patient = "Patient/" + KeycloakServer.PATIENT_ID;
		create(DermJson.consent(tag, patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		photo = create(DermJson.media(tag, patient, "identifiable", null, ""));
		derivative = create(DermJson.media(tag, patient, "deidentified", null, DermJson.derivedFrom("Media/" + photo)));
		othersImage = create(DermJson.media(tag, "Patient/" + OTHER_PATIENT, "deidentified", null, ""));
	}

	@Test
	void researchPlatformSeesOnlyPermittedDeidentifiedImages() {
		String token = keycloak.clientCredentials(KeycloakServer.RESEARCH_PLATFORM, KeycloakServer.RESEARCH_SECRET).accessToken();

		as(token).header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=urn:dermconsent:test|" + tag).then()
				.statusCode(200).body("entry.resource.id", equalTo(List.of(derivative)));
		as(token).header("X-Purpose-Of-Use", "ai-training").get("/Media/" + photo).then().statusCode(403);
		as(token).header("X-Purpose-Of-Use", "publication").get("/Media").then().statusCode(403);
		// a missing scope is 403
		as(token).header("X-Purpose-Of-Use", "research").body(DermJson.media(tag, "Patient/" + OTHER_PATIENT, "deidentified", null, ""))
				.post("/Media").then().statusCode(403);
	}

	@Test
	void patientAppSeesOnlyItsOwnConsentsAndImages() {
		String token = keycloak.authorizationCodeWithPkce(KeycloakServer.SMART_PATIENT_APP, null, KeycloakServer.SMART_REDIRECT_URI,
				KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD,
				"openid", "fhirUser", "launch/patient", "patient/Media.rs", "patient/Consent.cruds", "patient/AuditEvent.rs")
				.accessToken();
		String patient = "Patient/" + KeycloakServer.PATIENT_ID;

		as(token).get("/Consent?patient=" + patient).then().statusCode(200)
				.body("entry.resource.patient.reference", everyItem(equalTo(patient)));
		as(token).get("/Consent?patient=Patient/" + OTHER_PATIENT).then().statusCode(403);
		as(token).get("/Media?subject=" + patient).then().statusCode(200)
				.body("entry.resource.id", hasItem(photo)).body("entry.resource.id", not(hasItem(othersImage)));
		as(token).get("/Media/" + othersImage).then().statusCode(403);
	}

	@Test
	void ehrPostsAConsent() {
		String token = keycloak.password(KeycloakServer.EHR, KeycloakServer.EHR_SECRET,
				KeycloakServer.CLINICIAN_USER, KeycloakServer.CLINICIAN_PASSWORD).accessToken();

		as(token).body(DermJson.consent(tag, "Patient/" + OTHER_PATIENT, "active",
				List.of(DermJson.permit("education", "deidentified", null, null)))).post("/Consent").then().statusCode(201);
		String research = keycloak.clientCredentials(KeycloakServer.RESEARCH_PLATFORM, KeycloakServer.RESEARCH_SECRET).accessToken();
		as(research).header("X-Purpose-Of-Use", "education").get("/Media?_id=" + othersImage).then()
				.body("entry.resource.id", equalTo(List.of(othersImage)));
	}

	@Test
	void aPatientSignedInThroughTheEhrReadsNoOtherPatientsImages() {
		String token = keycloak.password(KeycloakServer.EHR, KeycloakServer.EHR_SECRET,
				KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD).accessToken();

		as(token).get("/Media/" + othersImage).then().statusCode(403);
		as(token).get("/Media?subject=Patient/" + OTHER_PATIENT).then().statusCode(403);
		as(token).get("/Media?_tag=urn:dermconsent:test|" + tag).then().statusCode(403);
	}

	@Test
	void smartClientsAreSentWhereTheRealmSaysItsEndpointsAre(CapturedOutput output) {
		io.restassured.path.json.JsonPath realm = RestAssured.given()
				.get(KeycloakServer.ISSUER + "/.well-known/openid-configuration").then().statusCode(200).extract().jsonPath();
		io.restassured.path.json.JsonPath smart = fhir().get("/.well-known/smart-configuration").then().statusCode(200)
				.extract().jsonPath();
		for (String endpoint : List.of("authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint",
				"introspection_endpoint")) {
			assertThat(smart.getString(endpoint)).as(endpoint).isEqualTo(realm.getString(endpoint));
		}
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].security.extension[0].extension.find { it.url == 'token' }.valueUri",
						equalTo(realm.getString("token_endpoint")));
		assertThat(output.getAll()).doesNotContain("metadata could not be fetched");
	}

	@Test
	void badTokensAre401() {
		KeycloakServer.Tokens real = keycloak.authorizationCodeWithPkce(KeycloakServer.SMART_PATIENT_APP, null, KeycloakServer.SMART_REDIRECT_URI,
				KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD, "openid", "launch/patient", "patient/Media.rs");
		String access = real.accessToken();
		String[] parts = access.split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		String morePatients = Base64.getUrlEncoder().withoutPadding().encodeToString(
				payload.replace(KeycloakServer.PATIENT_ID, OTHER_PATIENT).getBytes(StandardCharsets.UTF_8));
		String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString(
				"{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

		fhir().get("/Media").then().statusCode(401);
		for (String bad : List.of(
				parts[0] + "." + morePatients + "." + parts[2],          // tampered claims
				noneHeader + "." + parts[1] + ".",                         // alg: none
				real.idToken(),                                            // signed by the realm, wrong audience
				access.substring(0, access.length() - 4) + "AAAA")) {      // broken signature
			as(bad).get("/Media?subject=Patient/" + KeycloakServer.PATIENT_ID).then().statusCode(401)
					.body("resourceType", equalTo("OperationOutcome"));
		}
		as(access).get("/Media?subject=Patient/" + KeycloakServer.PATIENT_ID).then().statusCode(200);
	}

	private RequestSpecification fhir() {
		return RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir")
				.accept("application/fhir+json").contentType("application/fhir+json");
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private void store(String json) {
		IBaseResource resource = fhirContext.newJsonParser().parseResource(json);
		daoRegistry.getResourceDao(resource).update(resource, new SystemRequestDetails());
	}

	private String create(String json) {
		IBaseResource resource = fhirContext.newJsonParser().parseResource(json);
		return daoRegistry.getResourceDao(resource).create(resource, new SystemRequestDetails()).getId().getIdPart();
	}

}
