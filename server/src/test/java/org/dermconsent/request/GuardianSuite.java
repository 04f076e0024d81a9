package org.dermconsent.request;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guardians for minors over REST (DESIGN 11): a consent performed by a RelatedPerson for a patient under
 * 18 stops governing at the start (UTC) of the 18th birthday. A birth date has day precision, so the
 * birthday cannot be made to pass during a test: the test checks that the refresh is scheduled for that
 * instant, then lets the birthday pass by correcting the patient's birth date (which relabels at once).
 * Runs on H2 ({@link H2GuardianTest}) and PostgreSQL ({@link PostgresGuardianTest}).
 */
abstract class GuardianSuite extends FhirApi {

	@Autowired
	private DataSource dataSource;

	@Autowired
	private GuardianHandover handover;

	@Test
	void aGuardiansConsentForAMinorStopsGoverningAtTheEighteenthBirthday() {
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		LocalDate eighteenTomorrow = today.minusYears(18).plusDays(1);
		String patient = createResource("Patient", patientJson(null, eighteenTomorrow));
		String guardian = createResource("RelatedPerson", "{\"resourceType\":\"RelatedPerson\"," + metaWithTestTag()
				+ ",\"patient\":{\"reference\":\"Patient/" + patient + "\"}}");
		String image = createResource("Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, ""));
		createResource("Consent", guardianConsent(patient, guardian));

		assertThat(aiTrainingSearch(10)).containsExactly(image);
		assertThat(decision(image)).isEqualTo("permit");
		// the refresher will relabel at the birthday's first instant
		long due = new JdbcTemplate(dataSource).queryForObject(
				"SELECT DUE_AT_MILLIS FROM DC_GRANT_REFRESH WHERE PATIENT_REF = ?", Long.class, "Patient/" + patient);
		assertThat(due).isEqualTo(today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());

		// the birthday passes (today is the 18th birthday): neither the search nor the guard lets the image through
		fhir().body(patientJson(patient, today.minusYears(18))).put("/Patient/" + patient).then().statusCode(200);
		assertThat(aiTrainingSearch(11)).isEmpty();
		assertThat(decision(image)).isEqualTo("deny");
		aiTraining().get("/Media/" + image).then().statusCode(403);
		fhir().get("/Media/" + image).then().statusCode(200); // clinical care as by default

		// a birth date corrected back: a minor again, the guardian's consent governs again
		fhir().body(patientJson(patient, eighteenTomorrow)).put("/Patient/" + patient).then().statusCode(200);
		assertThat(aiTrainingSearch(12)).containsExactly(image);
	}

	@Test
	void thePatientWhoCameOfAgeIsAskedOnceAboutEachUseTheGuardianAllowed() throws InterruptedException {
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		String patient = createResource("Patient", patientJson(null, today.minusYears(18)));
		String guardian = createResource("RelatedPerson", "{\"resourceType\":\"RelatedPerson\"," + metaWithTestTag()
				+ ",\"patient\":{\"reference\":\"Patient/" + patient + "\"}}");
		String image = createResource("Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, ""));
		createResource("Consent", DermJson.consent(testTag, "Patient/" + patient, "active", List.of(
						DermJson.permit("ai-training", "deidentified", null, null), DermJson.permit("education", null, null, null)))
				.replace("\"dateTime\":", "\"performer\":[{\"reference\":\"RelatedPerson/" + guardian + "\"}],\"dateTime\":"));
		assertThat(aiTrainingSearch(10)).isEmpty();

		// rounds on several threads at once (as on several nodes), then again (as after a restart)
		Thread[] rounds = new Thread[3];
		for (int i = 0; i < rounds.length; i++) {
			rounds[i] = new Thread(handover::handOverDue);
			rounds[i].start();
		}
		for (Thread round : rounds) {
			round.join();
		}
		handover.handOverDue();
		JsonPath requests = fhir().get("/Task?for=Patient/" + patient + "&code=" + ConsentRequestSuite.REQUEST_CODE + "&status=requested")
				.then().statusCode(200).extract().jsonPath();
		assertThat(requests.getList("entry.resource.collect { task -> task.input.find { it.type.coding[0].code == 'purpose' }.valueCoding.code }",
				String.class))
				.containsExactlyInAnyOrder("ai-training", "education");
		assertThat(requests.getList("entry.resource.requester.reference", String.class)).containsOnly("Device/dermconsent");
		assertThat(requests.getList("entry.resource.description", String.class)).allMatch(text -> text.startsWith("You are now 18."));
		assertThat(requests.getList("entry.resource.restriction.period.end", String.class)).doesNotContainNull();
		fhir().get("/Device/dermconsent").then().statusCode(200);

		// the patient allows ai-training only: granted to anyone again, and education stays denied
		String aiTrainingRequest = requests.getString("entry.find { entry -> entry.resource.input.find { it.type.coding[0].code == 'purpose' }"
				+ ".valueCoding.code == 'ai-training' }.resource.id");
		fhir().body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"decision\",\"valueCode\":\"permit\"}]}")
				.post("/Task/" + aiTrainingRequest + "/$respond").then().statusCode(200);
		assertThat(aiTrainingSearch(11)).containsExactly(image);
		assertThat(fhir().get("/Media/" + image + "/$consent-decision?purpose=education").then().statusCode(200)
				.extract().<String>path("parameter.find { it.name == 'decision' }.valueCode")).isEqualTo("deny");
	}

	@Test
	void aConsentThePatientGaveThemselvesDoesNotEndAtEighteen() {
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		String patient = createResource("Patient", patientJson(null, today.minusYears(18)));
		String image = createResource("Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, ""));
		createResource("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		assertThat(aiTrainingSearch(10)).containsExactly(image);
	}

	String guardianConsent(String patient, String guardian) {
		return DermJson.consent(testTag, "Patient/" + patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null)))
				.replace("\"dateTime\":", "\"performer\":[{\"reference\":\"RelatedPerson/" + guardian + "\"}],\"dateTime\":");
	}

	String patientJson(String id, LocalDate birthDate) {
		return "{\"resourceType\":\"Patient\"," + (id == null ? "" : "\"id\":\"" + id + "\",") + metaWithTestTag()
				+ ",\"birthDate\":\"" + birthDate + "\"}";
	}

	String createResource(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	RequestSpecification aiTraining() {
		return fhir().header(RequestPurpose.HEADER, "ai-training");
	}

	/** Distinct page sizes, so that no cached search answers a later question. */
	List<String> aiTrainingSearch(int count) {
		return aiTraining().get("/Media?_tag=" + tagQuery() + "&_count=" + count).then().statusCode(200)
				.extract().jsonPath().getList("entry.resource.id", String.class);
	}

	String decision(String image) {
		return fhir().get("/Media/" + image + "/$consent-decision?purpose=ai-training")
				.then().statusCode(200).extract().path("parameter.find { it.name == 'decision' }.valueCode");
	}
}
