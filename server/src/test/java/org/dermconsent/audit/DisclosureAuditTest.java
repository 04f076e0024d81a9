package org.dermconsent.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.restassured.path.json.JsonPath;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** Disclosures for secondary uses become AuditEvents a patient can search; nobody can rewrite them. */
@H2ServerTest
class DisclosureAuditTest extends FhirApi {

	private static final Random RANDOM = new Random();

	@Autowired
	IInterceptorService interceptors;

	@Autowired
	AuditTrail trail;

	private String patient;
	private String derivative;
	private String photo;

	@BeforeEach
	void patientWhoAllowsDeidentifiedTraining() {
		patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		photo = create("Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		derivative = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
	}

	@Test
	void aDisclosureForTrainingIsRecordedAndSearchableByThePatient() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200);
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		fhir().get("/Media/" + photo).then().statusCode(200); // clinical care: not a disclosure to account for

		JsonPath events = awaitEvents(2);
		assertThat(events.getList("entry.resource.collect { it.entity[0].what.reference }", String.class))
				.containsOnly("Media/" + derivative);
		assertThat(events.getList("entry.resource.collect { it.entity[1].what.reference }", String.class)).containsOnly(patient);
		assertThat(events.getList("entry.resource.collect { it.purposeOfEvent[0].coding[0].code }", String.class)).containsOnly("ai-training");
		assertThat(events.getList("entry.resource.outcome", String.class)).containsOnly("0");
		assertThat(events.getList("entry.resource.collect { it.agent[0].type.coding[0].code }", String.class)).containsOnly("110150");
	}

	@Test
	void aPageOfOnePatientsImagesIsOneEventNamingEachImage() throws InterruptedException {
		String secondDerivative = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));

		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.body("entry.size()", equalTo(2));

		JsonPath events = awaitEvents(1);
		assertThat(events.getList("entry[0].resource.entity.findAll { it.what != null }.what.reference", String.class))
				.containsExactlyInAnyOrder("Media/" + derivative, "Media/" + secondDerivative, patient);
		assertThat(events.getList("entry[0].resource.entity.findAll { it.role.code == '1' }.what.reference", String.class))
				.containsExactly(patient);
	}

	/**
	 * IHE BALP: a search is recorded as its query event (subtype search-type, action E, an entity with
	 * role Query holding the search as sent, base64), a read as its read event; both name each image.
	 */
	@Test
	void aSearchIsRecordedAsBalpsQueryEventAndAReadAsItsReadEvent() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200);
		JsonPath search = awaitEvents(1);
		assertThat(search.getString("entry[0].resource.type.code")).isEqualTo("rest");
		assertThat(search.getString("entry[0].resource.subtype[0].code")).isEqualTo("search-type");
		assertThat(search.getString("entry[0].resource.action")).isEqualTo("E");
		String query = search.getString("entry[0].resource.entity.find { it.role.code == '24' }.query");
		assertThat(new String(java.util.Base64.getDecoder().decode(query), java.nio.charset.StandardCharsets.UTF_8))
				.startsWith("Media?_tag=").contains(testTag);
		assertThat(search.getList("entry[0].resource.entity.findAll { it.role.code == '4' }.what.reference", String.class))
				.containsExactly("Media/" + derivative);

		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		JsonPath read = fhir().get("/AuditEvent?patient=" + patient + "&subtype=read").then().statusCode(200).extract().jsonPath();
		for (int i = 0; i < 50 && entries(read) == 0; i++) {
			Thread.sleep(200);
			read = fhir().get("/AuditEvent?patient=" + patient + "&subtype=read").then().statusCode(200).extract().jsonPath();
		}
		assertThat(read.getString("entry[0].resource.action")).isEqualTo("R");
		assertThat(read.getList("entry[0].resource.entity.role.code", String.class)).containsExactly("4", "1");
	}

	@Test
	void auditEventsCannotBeUpdatedOrDeleted() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		String id = awaitEvents(1).getString("entry[0].resource.id");

		fhir().delete("/AuditEvent/" + id).then().statusCode(405).body("resourceType", equalTo("OperationOutcome"));
		fhir().body("{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\"}").put("/AuditEvent/" + id).then().statusCode(405);
		fhir().get("/AuditEvent/" + id).then().statusCode(200).body("purposeOfEvent[0].coding[0].code", equalTo("ai-training"));
	}

	@Test
	void auditEventsCannotBeChangedByTransactionOrBatchEntries() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		String id = awaitEvents(1).getString("entry[0].resource.id");
		String altered = fhir().get("/AuditEvent/" + id).then().statusCode(200).extract().asString()
				.replace("\"outcome\":\"0\"", "\"outcome\":\"4\"");

		fhir().body(DermJson.transaction(DermJson.entry("PUT", "AuditEvent/" + id, altered)))
				.post("/").then().statusCode(405).body("resourceType", equalTo("OperationOutcome"));
		fhir().body(DermJson.bundle("batch", "{\"request\":{\"method\":\"DELETE\",\"url\":\"AuditEvent/" + id + "\"}}"))
				.post("/").then().statusCode(200).body("entry[0].response.status", startsWith("405"));
		fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"replace\",\"path\":\"/outcome\",\"value\":\"4\"}]")
				.patch("/AuditEvent/" + id).then().statusCode(405);

		fhir().get("/AuditEvent/" + id).then().statusCode(200)
				.body("outcome", equalTo("0")).body("meta.versionId", equalTo("1"));
	}

	@Test
	void aResponseThatFailsRecordsNothingAndAuditingGoesOn() throws InterruptedException {
		// a conditional create, then an image written and shown in the response (return=representation),
		// then a stale version: 412, all rolled back, so the image shown was never disclosed
		String staleUpdate = "{\"resourceType\":\"Patient\",\"id\":\"" + patient.substring("Patient/".length()) + "\","
				+ metaWithTestTag() + "}";
		for (int attempt = 0; attempt < 3; attempt++) {
			fhir().header("X-Purpose-Of-Use", "ai-training").header("Prefer", "return=representation")
					.body(conditionalCreateAndImageUpdate(",{\"resource\":" + staleUpdate + ",\"request\":{\"method\":\"PUT\",\"url\":\""
							+ patient + "\",\"ifMatch\":\"W/\\\"99\\\"\"}}"))
					.post("/").then().statusCode(412);
		}

		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);

		JsonPath events = awaitEvents(1);
		assertThat(events.getList("entry[0].resource.entity.what.reference", String.class))
				.containsExactlyInAnyOrder("Media/" + derivative, patient);

		// the same transaction without the stale entry succeeds, shows the image and is recorded
		fhir().header("X-Purpose-Of-Use", "ai-training").header("Prefer", "return=representation")
				.body(conditionalCreateAndImageUpdate("")).post("/").then().statusCode(200)
				.body("entry[1].resource.id", equalTo(derivative));
		assertThat(awaitEvents(2).getList("entry.resource.entity.what.reference.flatten()", String.class))
				.containsOnly("Media/" + derivative, patient);
	}

	private String conditionalCreateAndImageUpdate(String moreEntries) {
		String identifier = "urn:uuid:" + UUID.randomUUID();
		String image = fhir().get("/Media/" + derivative).then().statusCode(200).extract().asString()
				.replace("\"status\":\"completed\"", "\"status\":\"completed\",\"height\":" + (100 + RANDOM.nextInt(1000)));
		return DermJson.transaction(
				"{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":{\"resourceType\":\"Patient\","
						+ metaWithTestTag() + ",\"identifier\":[{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"" + identifier
						+ "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":"
						+ "\"identifier=urn:ietf:rfc:3986|" + identifier + "\"}}",
				"{\"resource\":" + image + ",\"request\":{\"method\":\"PUT\",\"url\":\"Media/" + derivative + "\"}}"
						+ moreEntries);
	}

	@Test
	void anEventThatCannotBeStoredDoesNotHoldUpTheOthersAndIsTriedAgain() throws InterruptedException {
		String poisoned = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
		RefuseToStoreEventsOf refusal = new RefuseToStoreEventsOf("Media/" + poisoned);
		interceptors.registerInterceptor(refusal);
		try {
			fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + poisoned).then().statusCode(200);
			fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);

			JsonPath stored = awaitEvents(1, Duration.ofSeconds(30));
			assertThat(stored.getList("entry[0].resource.entity.what.reference", String.class))
					.containsExactlyInAnyOrder("Media/" + derivative, patient);
		} finally {
			interceptors.unregisterInterceptor(refusal);
		}
		JsonPath both = awaitEvents(2, Duration.ofSeconds(60)); // tried again after a few seconds
		assertThat(both.getList("entry.resource.entity.what.reference.flatten()", String.class))
				.contains("Media/" + poisoned, "Media/" + derivative);
	}

	/** Makes every attempt to store an AuditEvent naming the image fail, reduced forms too. */
	public static class RefuseToStoreEventsOf {
		private final String image;

		RefuseToStoreEventsOf(String image) {
			this.image = image;
		}

		@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void refuse(IBaseResource resource) {
			if (resource instanceof AuditEvent event && event.getEntity().stream().anyMatch(entity ->
					image.equals(entity.getWhat().getReference()) || image.equals(entity.getWhat().getIdentifier().getValue()))) {
				throw new UnprocessableEntityException("This test refuses to store the AuditEvent of " + image);
			}
		}
	}

	@Test
	void aDisclosureThatCannotBeJournaledIsNotSent() throws Exception {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		AuditJournal journal = trail.journal();
		journal.compact(() -> {}); // seals the segment just written: the next disclosure needs a new one
		Path directory = journal.directory();
		Path away = directory.resolveSibling(directory.getFileName() + "-away");
		Files.move(directory, away);
		Files.writeString(directory, "not a directory"); // no segment can be created here
		try {
			fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(503)
					.header("Retry-After", notNullValue()).body("resourceType", equalTo("OperationOutcome"));
			fhir().get("/Media/" + derivative).then().statusCode(200); // clinical care is not audited
		} finally {
			Files.delete(directory);
			Files.move(away, directory);
		}
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);

		assertThat(entries(awaitEvents(2))).isEqualTo(2); // before and after, not the refused one
	}

	private JsonPath awaitEvents(int expected) throws InterruptedException {
		return awaitEvents(expected, Duration.ofSeconds(10));
	}

	/** Stored off the request path: poll (bounded) until they are there. */
	private JsonPath awaitEvents(int expected, Duration atMost) throws InterruptedException {
		JsonPath events;
		Instant deadline = Instant.now().plus(atMost);
		while (true) {
			events = fhir().get("/AuditEvent?patient=" + patient).then().statusCode(200).extract().jsonPath();
			if (entries(events) >= expected || Instant.now().isAfter(deadline)) {
				break;
			}
			Thread.sleep(200);
		}
		Thread.sleep(300); // no more than expected either
		events = fhir().get("/AuditEvent?patient=" + patient).then().statusCode(200).extract().jsonPath();
		assertThat(entries(events)).isEqualTo(expected);
		return events;
	}

	private static int entries(JsonPath bundle) {
		List<Object> entries = bundle.getList("entry");
		return entries == null ? 0 : entries.size();
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
