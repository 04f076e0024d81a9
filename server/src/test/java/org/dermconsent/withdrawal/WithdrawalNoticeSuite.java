package org.dermconsent.withdrawal;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import io.restassured.path.json.JsonPath;
import org.dermconsent.enforcement.index.GrantRefresher;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Reference;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Withdrawal notices over REST, delivered by a rest-hook Subscription to a real HTTP receiver on
 * 127.0.0.1. Security is off, so every disclosure is the anonymous client's and its notices are owned by
 * {@code Device/anonymous}. Runs on H2 ({@link H2WithdrawalNoticeTest}) and PostgreSQL
 * ({@link PostgresWithdrawalNoticeTest}).
 */
abstract class WithdrawalNoticeSuite extends FhirApi {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String OWNER = "Device/anonymous";
	private static final String CRITERIA = "Task?code=https://dermconsent.org/fhir/CodeSystem/task-type|withdrawal-notice&owner=" + OWNER;

	/** Tasks delivered to the receiver, by Task id, with the instant they arrived. */
	private static final ConcurrentMap<String, Delivery> delivered = new ConcurrentHashMap<>();
	private static HttpServer receiver;
	/** The Subscription to the receiver, deleted with it, so later tests' notices are not sent to a closed port. */
	private static String subscriptionUrl;

	private record Delivery(Task task, long atMillis) {}

	@Autowired
	DaoRegistry daoRegistry;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private GrantRefresher grantRefresher;

	@BeforeEach
	void subscribeOnce() throws IOException {
		synchronized (WithdrawalNoticeSuite.class) {
			if (receiver != null) {
				return;
			}
			receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			receiver.createContext("/", exchange -> {
				byte[] body = exchange.getRequestBody().readAllBytes();
				if (body.length > 0) {
					Task task = FHIR.newJsonParser().parseResource(Task.class, new String(body, StandardCharsets.UTF_8));
					delivered.put(task.getIdElement().getIdPart(), new Delivery(task, System.currentTimeMillis()));
				}
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			receiver.start();
		}
		String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/notices";
		String id = fhir().body("{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"withdrawal notices\","
				+ "\"criteria\":\"" + CRITERIA + "\",\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"" + endpoint
				+ "\",\"payload\":\"application/fhir+json\"}}")
				.post("/Subscription").then().statusCode(201).extract().path("id");
		awaitTrue(() -> "active".equals(fhir().get("/Subscription/" + id).then().extract().path("status")), 20_000);
		subscriptionUrl = baseUrl() + "/Subscription/" + id;
	}

	@AfterAll
	static void stopReceiver() {
		if (subscriptionUrl != null) {
			io.restassured.RestAssured.given().delete(subscriptionUrl).then().statusCode(200);
			subscriptionUrl = null;
		}
		if (receiver != null) {
			receiver.stop(0);
			receiver = null;
		}
		delivered.clear(); // the next database numbers its resources anew
	}

	@Test
	void aClientThatReadImagesForAiTrainingIsToldExactlyThoseWhenThePatientWithdraws() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"}");
		String consent = create("Consent", consentJson(patient, "active", "2026-01-15T10:00:00Z"));
		String first = create("Media", media(patient, "deidentified"));
		String second = create("Media", media(patient, "deidentified"));
		String neverRead = create("Media", media(patient, "deidentified"));
		readForAiTraining(first);
		readForAiTraining(second);
		// a dataset holding the first image, as the server writes one when an export completes (clients cannot)
		ListResource datasetList = new ListResource().setStatus(ListResource.ListStatus.CURRENT).setMode(ListResource.ListMode.SNAPSHOT);
		datasetList.getCode().addCoding(new Coding("https://dermconsent.org/fhir/CodeSystem/list-type", "dataset", null));
		datasetList.addEntry().setItem(new Reference("Media/" + first)); // no source: with security off there is one client
		String dataset = daoRegistry.getResourceDao(ListResource.class).create(datasetList, new SystemRequestDetails())
				.getId().getIdPart();

		long withdrawn = System.currentTimeMillis();
		fhir().body(consentJson(patient, "inactive", "2026-01-15T10:00:00Z").replaceFirst("\\{", "{\"id\":\"" + consent + "\","))
				.put("/Consent/" + consent).then().statusCode(200);

		Delivery delivery = awaitNotice(Set.of(first, second, neverRead));
		System.out.printf("Withdrawal notice delivered %d ms after the withdrawal was answered%n", delivery.atMillis() - withdrawn);
		Task task = delivery.task();
		assertThat(task.getOwner().getReference()).isEqualTo(OWNER);
		assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
		assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
		assertThat(task.getCode().getCodingFirstRep().getCode()).isEqualTo("withdrawal-notice");
		assertThat(inputs(task, "image")).containsExactlyInAnyOrder("Media/" + first, "Media/" + second);
		assertThat(inputs(task, "dataset")).containsExactly("List/" + dataset);

		// the client completes the notice once it has purged the images
		JsonPath stored = fhir().get("/Task/" + task.getIdElement().getIdPart()).then().statusCode(200).extract().jsonPath();
		String completed = fhir().get("/Task/" + task.getIdElement().getIdPart()).then().extract().asString()
				.replace("\"status\":\"requested\"", "\"status\":\"completed\"");
		fhir().body(completed).put("/Task/" + stored.getString("id")).then().statusCode(200);
		assertThat(fhir().get("/Task/" + stored.getString("id")).then().extract().<String>path("status")).isEqualTo("completed");
	}

	@Test
	void aClientThatNeverReceivedTheImagesIsNotTold() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"}");
		String consent = create("Consent", consentJson(patient, "active", "2026-01-15T10:00:00Z"));
		String image = create("Media", media(patient, "deidentified"));
		// read for clinical care only: not a secondary-use disclosure
		fhir().get("/Media/" + image).then().statusCode(200);

		fhir().body(consentJson(patient, "inactive", "2026-01-15T10:00:00Z").replaceFirst("\\{", "{\"id\":\"" + consent + "\","))
				.put("/Consent/" + consent).then().statusCode(200);

		awaitLossesSettled(image);
		assertNoNoticeNames(image);
	}

	@Test
	void relabellingAReceivedImageToIdentifiableTellsTheClient() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"}");
		create("Consent", consentJson(patient, "active", "2026-01-15T10:00:00Z"));
		String image = create("Media", media(patient, "deidentified"));
		readForAiTraining(image);

		fhir().body(media(patient, "identifiable").replaceFirst("\\{", "{\"id\":\"" + image + "\",")).put("/Media/" + image)
				.then().statusCode(200);

		Task task = awaitNotice(Set.of(image)).task();
		assertThat(inputs(task, "image")).containsExactly("Media/" + image);
	}

	/**
	 * No write marks a period's end: the grant refresher's scheduled round finds it. The test runs that
	 * round itself rather than waiting up to its 30 s interval.
	 */
	@Test
	void aPermitWhosePeriodEndsTellsTheClientThatReceivedTheImage() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"}");
		Instant end = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
		create("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, end.toString()))));
		String image = create("Media", media(patient, "deidentified"));
		readForAiTraining(image);

		awaitTrue(() -> Instant.now().isAfter(end.plusMillis(200)), 10_000);
		awaitTrue(() -> {
			grantRefresher.refreshDue(); // the scheduled round, until it has run past the end
			return delivered.values().stream().anyMatch(delivery -> inputs(delivery.task(), "image").contains("Media/" + image));
		}, 30_000);

		Task task = awaitNotice(Set.of(image)).task();
		assertThat(inputs(task, "image")).containsExactly("Media/" + image);
	}

	@Test
	void aNewerConsentThatStillPermitsTellsNobody() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"}");
		create("Consent", consentJson(patient, "active", "2026-01-15T10:00:00Z"));
		String image = create("Media", media(patient, "deidentified"));
		readForAiTraining(image);

		create("Consent", consentJson(patient, "active", "2026-02-15T10:00:00Z"));

		sleep(4_000);
		awaitLossesSettled(image);
		assertNoNoticeNames(image);
	}

	private String consentJson(String patient, String status, String dateTime) {
		return DermJson.consent(testTag, "Patient/" + patient, status, List.of(DermJson.permit("ai-training", "deidentified", null, null)))
				.replace("2026-01-15T10:00:00Z", dateTime);
	}

	private String media(String patient, String identifiability) {
		return DermJson.media(testTag, "Patient/" + patient, identifiability, null, "");
	}

	private void readForAiTraining(String image) {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + image).then().statusCode(200);
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private static List<String> inputs(Task task, String type) {
		return task.getInput().stream().filter(input -> type.equals(input.getType().getCodingFirstRep().getCode()))
				.map(input -> ((org.hl7.fhir.r4.model.Reference) input.getValue()).getReference()).toList();
	}

	/** The one delivered notice naming any of the images; fails if none arrives within 30 s. */
	private static Delivery awaitNotice(Set<String> images) {
		Set<String> references = images.stream().map(id -> "Media/" + id).collect(Collectors.toSet());
		long deadline = System.currentTimeMillis() + 30_000;
		while (System.currentTimeMillis() < deadline) {
			List<Delivery> matching = delivered.values().stream()
					.filter(delivery -> inputs(delivery.task(), "image").stream().anyMatch(references::contains)).toList();
			if (!matching.isEmpty()) {
				assertThat(matching).hasSize(1);
				return matching.get(0);
			}
			sleep(20);
		}
		throw new AssertionError("No withdrawal notice delivered for " + images);
	}

	/** Waits until no recorded grant loss of the image waits for its notices. */
	private void awaitLossesSettled(String image) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		awaitTrue(() -> jdbc.queryForObject("SELECT COUNT(*) FROM DC_GRANT_LOSS WHERE IMAGE_REF = ?", Integer.class,
				"Media/" + image) == 0, 30_000);
	}

	private void assertNoNoticeNames(String image) {
		sleep(1_000); // a delivery would follow its Task within this
		assertThat(delivered.values()).noneMatch(delivery -> inputs(delivery.task(), "image").contains("Media/" + image));
		String bundle = fhir().get("/Task?code=https://dermconsent.org/fhir/CodeSystem/task-type|withdrawal-notice&_count=50&_sort=-_lastUpdated")
				.then().statusCode(200).extract().asString();
		assertThat(bundle).doesNotContain("\"Media/" + image + "\"");
	}

	private static void awaitTrue(java.util.function.BooleanSupplier condition, long millis) {
		long deadline = System.currentTimeMillis() + millis;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > deadline) {
				throw new AssertionError("condition not met within " + millis + " ms");
			}
			sleep(50);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}
