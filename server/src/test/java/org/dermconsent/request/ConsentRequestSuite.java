package org.dermconsent.request;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import io.restassured.response.Response;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent requests over REST with security off (DESIGN 11): a request validated and shown to its patient,
 * answered with {@code $respond} (permit stores the new governing consent and completes the request in
 * one transaction; deny rejects it), re-contact respected, unanswered requests lapsing, the requester told
 * by a rest-hook Subscription on a real receiver. Runs on H2 ({@link H2ConsentRequestTest}) and
 * PostgreSQL ({@link PostgresConsentRequestTest}).
 */
abstract class ConsentRequestSuite extends FhirApi {

	static final FhirContext FHIR = FhirContext.forR4Cached();
	static final String TASK_TYPE = "https://dermconsent.org/fhir/CodeSystem/task-type";
	static final String REQUEST_CODE = TASK_TYPE + "|consent-request";
	static final String PLATFORM = "Device/research-platform";

	@Autowired
	private RequestLapse lapse;

	@Autowired
	private ExpiryReminders reminders;

	@Autowired
	private ca.uhn.fhir.interceptor.api.IInterceptorService storageInterceptors;

	@Test
	void aRequestIsValidatedOnCreateAndShownToItsPatient() {
		String patient = patient();
		String image = image(patient, "deidentified");
		String other = image(patient(), "deidentified");
		// the profile: a purpose is required, the intent is proposal
		create(request(patient, PLATFORM, "ai-training", image, null).replace(purposeInput("ai-training") + ",", ""))
				.then().statusCode(422);
		create(request(patient, PLATFORM, "ai-training", image, null).replace("\"proposal\"", "\"order\"")).then().statusCode(422);
		// the rules: a use a patient can grant, images of that patient, open, not lapsed already
		assertThat(create(request(patient, PLATFORM, "clinical-care", image, null)).then().statusCode(422).extract().asString())
				.contains("other than clinical-care");
		create(request(patient, PLATFORM, "secondary-use", image, null)).then().statusCode(422);
		create(request(patient, PLATFORM, "recontact", image, null)).then().statusCode(422);
		assertThat(create(request(patient, PLATFORM, "ai-training", other, null)).then().statusCode(422).extract().asString())
				.contains("is not an image of Patient/" + patient);
		create(request(patient, PLATFORM, "ai-training", image, null).replace("\"requested\"", "\"completed\"")).then().statusCode(422);
		create(request(patient, PLATFORM, "ai-training", image, Instant.now().minusSeconds(60))).then().statusCode(422);

		String id = create(request(patient, PLATFORM, "ai-training", image, null)).then().statusCode(201).extract().path("id");
		fhir().get("/Task?for=Patient/" + patient + "&code=" + REQUEST_CODE + "&status=requested").then().statusCode(200)
				.body("total", org.hamcrest.Matchers.equalTo(1))
				.body("entry[0].resource.id", org.hamcrest.Matchers.equalTo(id))
				.body("entry[0].resource.description", org.hamcrest.Matchers.startsWith("May we"));
		// it changes by $respond only; its requester may withdraw it, nobody deletes it
		String stored = fhir().get("/Task/" + id).asString();
		fhir().body(stored.replace("\"requested\"", "\"completed\"")).put("/Task/" + id).then().statusCode(422);
		fhir().delete("/Task/" + id).then().statusCode(403);
		fhir().body(stored.replace("\"requested\"", "\"cancelled\"")).put("/Task/" + id).then().statusCode(200);
		respond(id, "permit").then().statusCode(409);
	}

	@Test
	void aPermitStoresTheNewGoverningConsentForTheRequesterAndCompletesTheRequest() {
		String patient = patient();
		String image = image(patient, "deidentified");
		String untouched = image(patient, "deidentified");
		String earlier = createResource("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("education", "deidentified", null, null))));
		String id = create(request(patient, PLATFORM, "ai-training", image, null)).then().statusCode(201).extract().path("id");
		assertThat(decision(image, "ai-training", PLATFORM)).isEqualTo("deny");

		respond(id, "maybe").then().statusCode(400);
		Response answered = respond(id, "permit");
		answered.then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("completed"));
		String consent = answered.path("output[0].valueReference.reference");
		assertThat(consent).startsWith("Consent/");
		assertThat(answered.<String>path("output[0].type.coding[0].code")).isEqualTo("consent");

		// the new consent governs: the earlier grant kept, the new one for the requester and the images asked about only
		fhir().get("/" + consent).then().statusCode(200)
				.body("status", org.hamcrest.Matchers.equalTo("active"))
				.body("performer[0].reference", org.hamcrest.Matchers.equalTo("Patient/" + patient))
				.body("provision.provision.size()", org.hamcrest.Matchers.equalTo(2));
		assertThat(decision(image, "ai-training", PLATFORM)).isEqualTo("permit");
		assertThat(decision(image, "ai-training", "Device/another-platform")).isEqualTo("deny");
		assertThat(decision(image, "ai-training", null)).isEqualTo("deny");
		assertThat(decision(untouched, "ai-training", PLATFORM)).isEqualTo("deny");
		assertThat(decision(image, "education", null)).isEqualTo("permit");
		fhir().get("/Consent/" + earlier).then().statusCode(200);

		// answered once: again, or the other way, is a conflict
		assertThat(respond(id, "permit").then().statusCode(409).extract().asString()).contains("completed already");
		respond(id, "deny").then().statusCode(409);
		fhir().get("/Consent?patient=Patient/" + patient + "&_summary=count").then().body("total", org.hamcrest.Matchers.equalTo(2));
	}

	@Test
	void aDenyRejectsTheRequestAndTheSameRequesterWaits180DaysForThatPurpose() {
		String patient = patient();
		String image = image(patient, "deidentified");
		String id = create(request(patient, PLATFORM, "ai-training", image, null)).then().statusCode(201).extract().path("id");
		respond(id, "deny").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("rejected"));
		assertThat(fhir().get("/Consent?patient=Patient/" + patient + "&_summary=count").<Integer>path("total")).isZero();

		String refused = create(request(patient, PLATFORM, "ai-training", null, null)).then().statusCode(422).extract().asString();
		assertThat(refused).contains("declined Task/" + id).contains("less than 180 days ago");
		// another purpose, or another requester, may ask
		create(request(patient, PLATFORM, "education", null, null)).then().statusCode(201);
		create(request(patient, "Device/another-platform", "ai-training", null, null)).then().statusCode(201);
	}

	@Test
	void aConsentThatDeniesRecontactRefusesEveryRequestAndWithdrawsNoGrant() {
		String patient = patient();
		String image = image(patient, "deidentified");
		createResource("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null), DermJson.deny("recontact"))));
		assertThat(create(request(patient, PLATFORM, "research", null, null)).then().statusCode(422).extract().asString())
				.contains("does not want to be asked");
		assertThat(decision(image, "ai-training", null)).isEqualTo("permit");
	}

	@Test
	void aPermitWhoseConsentCannotBeStoredLeavesTheRequestOpenAndNoConsent() {
		String patient = patient();
		String image = image(patient, "deidentified");
		// the earlier consent carries a marker: storing a consent with it fails as a validation failure would, in
		// the Consent write itself, after $respond has written the Task (fault injection, not a mock)
		createResource("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("education", null, null, null))).replace("\"tag\":[", "\"tag\":[" + FAILING_MARKER + ","));
		String id = create(request(patient, PLATFORM, "ai-training", image, null)).then().statusCode(201).extract().path("id");
		Object failConsentWrites = new FailingConsentWrites();
		storageInterceptors.registerInterceptor(failConsentWrites);
		try {
			assertThat(respond(id, "permit").then().statusCode(422).extract().asString()).contains("injected");
		} finally {
			storageInterceptors.unregisterInterceptor(failConsentWrites);
		}
		fhir().get("/Task/" + id).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("requested"))
				.body("output", org.hamcrest.Matchers.nullValue());
		assertThat(fhir().get("/Consent?patient=Patient/" + patient + "&_summary=count").<Integer>path("total")).isEqualTo(1);

		// an image asked about that is gone: the permit is refused before anything is written; a deny still settles it
		fhir().delete("/Media/" + image).then().statusCode(200);
		assertThat(respond(id, "permit").then().statusCode(409).extract().asString()).contains("no longer an image of");
		fhir().get("/Task/" + id).then().body("status", org.hamcrest.Matchers.equalTo("requested"));
		respond(id, "deny").then().statusCode(200);
	}

	static final String FAILING_MARKER = "{\"system\":\"urn:dermconsent:test\",\"code\":\"fail-consent-writes\"}";

	/** Refuses the server's own writes of a Consent carrying the marker (the one $respond makes), with 422. */
	@ca.uhn.fhir.interceptor.api.Interceptor
	public static class FailingConsentWrites {
		@ca.uhn.fhir.interceptor.api.Hook(ca.uhn.fhir.interceptor.api.Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
		public void updated(org.hl7.fhir.instance.model.api.IBaseResource previous, org.hl7.fhir.instance.model.api.IBaseResource resource,
				ca.uhn.fhir.rest.api.server.RequestDetails request) {
			created(resource, request);
		}

		@ca.uhn.fhir.interceptor.api.Hook(ca.uhn.fhir.interceptor.api.Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void created(org.hl7.fhir.instance.model.api.IBaseResource resource, ca.uhn.fhir.rest.api.server.RequestDetails request) {
			if (resource instanceof org.hl7.fhir.r4.model.Consent consent
					&& request instanceof ca.uhn.fhir.rest.api.server.SystemRequestDetails
					&& consent.getMeta().getTag("urn:dermconsent:test", "fail-consent-writes") != null) {
				throw new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException("injected: this Consent does not validate");
			}
		}
	}

	@Test
	void anUnansweredRequestLapsesAtItsEnd() throws InterruptedException {
		String patient = patient();
		String id = create(request(patient, PLATFORM, "research", null, Instant.now().plusSeconds(2))).then().statusCode(201)
				.extract().path("id");
		Thread.sleep(2_100);
		// past its end it cannot be answered, even before the lapse round
		assertThat(respond(id, "permit").then().statusCode(409).extract().asString()).contains("lapsed");
		assertThat(lapse.lapseDue()).isGreaterThanOrEqualTo(1);
		fhir().get("/Task/" + id).then().body("status", org.hamcrest.Matchers.equalTo("cancelled"));
		assertThat(lapse.lapseDue()).as("once").isZero();
	}

	@Test
	void theRequesterLearnsTheAnswerByASubscriptionOnItsRequests() throws IOException {
		List<Task> delivered = new CopyOnWriteArrayList<>();
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", exchange -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			if (body.length > 0) {
				delivered.add(FHIR.newJsonParser().parseResource(Task.class, new String(body, StandardCharsets.UTF_8)));
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		receiver.start();
		String requester = "Device/platform-" + testTag.substring(2, 10);
		String subscription = null;
		try {
			String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/requests";
			subscription = fhir().body("{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"answers\","
					+ "\"criteria\":\"Task?code=" + REQUEST_CODE + "&requester=" + requester + "\",\"channel\":{\"type\":\"rest-hook\","
					+ "\"endpoint\":\"" + endpoint + "\",\"payload\":\"application/fhir+json\"}}")
					.post("/Subscription").then().statusCode(201).extract().path("id");
			String subscriptionId = subscription;
			awaitTrue(() -> "active".equals(fhir().get("/Subscription/" + subscriptionId).then().extract().path("status")));
			String patient = patient();
			String id = create(request(patient, requester, "education", null, null)).then().statusCode(201).extract().path("id");
			long answeredAt = System.currentTimeMillis();
			respond(id, "permit").then().statusCode(200);
			awaitTrue(() -> delivered.stream().anyMatch(task -> task.getIdElement().getIdPart().equals(id)
					&& task.getStatus() == Task.TaskStatus.COMPLETED));
			System.out.printf("consent request answer delivered %d ms after the answer%n", System.currentTimeMillis() - answeredAt);
			Task told = delivered.stream().filter(task -> task.getIdElement().getIdPart().equals(id)
					&& task.getStatus() == Task.TaskStatus.COMPLETED).findFirst().orElseThrow();
			assertThat(told.getOutputFirstRep().getValue().castToReference(told.getOutputFirstRep().getValue()).getReference())
					.startsWith("Consent/");
		} finally {
			if (subscription != null) {
				fhir().delete("/Subscription/" + subscription);
			}
			receiver.stop(0);
		}
	}

	@Test
	void aPermitEndingWithin30DaysGetsOneReminderTaskForThePatientWhateverTheRounds() throws InterruptedException {
		String patient = patient();
		String soon = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
		String later = Instant.now().plus(60, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
		String consent = createResource("Consent", DermJson.consent(testTag, "Patient/" + patient, "active", List.of(
				DermJson.permit("ai-training", "deidentified", null, soon), DermJson.permit("education", null, null, later))));
		// rounds on several threads at once (as on several nodes), then again (as after a restart)
		Thread[] rounds = new Thread[3];
		for (int i = 0; i < rounds.length; i++) {
			rounds[i] = new Thread(reminders::remindDue);
			rounds[i].start();
		}
		for (Thread round : rounds) {
			round.join();
		}
		reminders.remindDue();
		Response found = fhir().get("/Task?for=Patient/" + patient + "&code=" + TASK_TYPE + "|consent-expiring");
		found.then().statusCode(200).body("total", org.hamcrest.Matchers.equalTo(1))
				.body("entry[0].resource.focus.reference", org.hamcrest.Matchers.equalTo("Consent/" + consent))
				.body("entry[0].resource.owner.reference", org.hamcrest.Matchers.equalTo("Patient/" + patient))
				.body("entry[0].resource.input.find { it.type.coding[0].code == 'purpose' }.valueCoding.code",
						org.hamcrest.Matchers.equalTo("ai-training"));
		// a reminder cannot be forged over REST
		String forged = found.then().extract().jsonPath().prettify();
		fhir().body(fhir().get("/Task/" + found.path("entry[0].resource.id")).asString().replaceFirst("\"id\":\"[^\"]+\",", ""))
				.post("/Task").then().statusCode(403);
		assertThat(forged).contains("consent-expiring");
	}

	@Test
	void theCapabilityStatementListsRespondWithItsCanonicalDefinition() {
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].resource.find { it.type == 'Task' }.operation.find { it.name == 'respond' }.definition",
						org.hamcrest.Matchers.equalTo("https://dermconsent.org/fhir/OperationDefinition/respond"))
				.body("rest[0].resource.find { it.type == 'Task' }.searchParam.name", org.hamcrest.Matchers.hasItem("for"));
	}

	// --- helpers ---------------------------------------------------------------------------------------

	String patient() {
		return createResource("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
	}

	String image(String patient, String identifiability) {
		return createResource("Media", DermJson.media(testTag, "Patient/" + patient, identifiability, null, ""));
	}

	String createResource(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	Response create(String task) {
		return fhir().body(task).post("/Task");
	}

	Response respond(String task, String decision) {
		return fhir().body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"decision\",\"valueCode\":\"" + decision + "\"}]}")
				.post("/Task/" + task + "/$respond");
	}

	String decision(String image, String purpose, String actor) {
		return fhir().get("/Media/" + image + "/$consent-decision?purpose=" + purpose + (actor == null ? "" : "&actor=" + actor))
				.then().statusCode(200).extract().path("parameter.find { it.name == 'decision' }.valueCode");
	}

	static String purposeInput(String use) {
		return "{\"type\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"purpose\"}]},\"valueCoding\":{\"system\":\""
				+ DermJson.IMAGE_USE + "\",\"code\":\"" + use + "\"}}";
	}

	/** A consent request as a client sends it: for one image (or all: null), lapsing at {@code end} (or never: null). */
	String request(String patient, String requester, String use, String image, Instant end) {
		String inputs = purposeInput(use)
				+ ",{\"type\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"identifiability\"}]},\"valueCoding\":{\"system\":\""
				+ DermJson.IDENTIFIABILITY + "\",\"code\":\"deidentified\"}}"
				+ (image == null ? "" : ",{\"type\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"image\"}]},"
						+ "\"valueReference\":{\"reference\":\"Media/" + image + "\"}}")
				+ ",{\"type\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"period\"}]},\"valuePeriod\":{\"end\":\""
				+ Instant.now().plus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}}";
		return "{\"resourceType\":\"Task\"," + metaWithTestTag() + ",\"status\":\"requested\",\"intent\":\"proposal\","
				+ "\"code\":{\"coding\":[{\"system\":\"" + TASK_TYPE + "\",\"code\":\"consent-request\"}]},"
				+ "\"description\":\"May we use your de-identified photos to train a melanoma model?\","
				+ "\"for\":{\"reference\":\"Patient/" + patient + "\"},\"requester\":{\"reference\":\"" + requester + "\"},"
				+ (end == null ? "" : "\"restriction\":{\"period\":{\"end\":\"" + end.truncatedTo(ChronoUnit.SECONDS) + "\"}},")
				+ "\"input\":[" + inputs + "]}";
	}

	static void awaitTrue(BooleanSupplier condition) {
		long deadline = System.currentTimeMillis() + 30_000;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > deadline) {
				throw new AssertionError("condition not met within 30 s");
			}
			try {
				Thread.sleep(50);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(e);
			}
		}
	}
}
