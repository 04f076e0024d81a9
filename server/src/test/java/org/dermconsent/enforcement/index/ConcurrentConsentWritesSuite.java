package org.dermconsent.enforcement.index;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import io.restassured.path.json.JsonPath;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent writes that reach the server at the same moment, possibly on different server nodes: once
 * they have returned, every image's labels (what searches filter on) follow the newest consent by
 * dateTime, exactly as the decision computed from the consents does; and writes that have nothing to
 * do with each other all succeed. Runs once per database, and once with two nodes on one database.
 */
abstract class ConcurrentConsentWritesSuite extends FhirApi {

	private static final int ROUNDS = 10;
	private static final int IMAGES = 3;
	private static final int PATIENTS = 6;
	private static final Instant FIRST_CONSENT = Instant.parse("2025-03-01T08:00:00Z");

	/** How long a consent write of a round waits, with its consent stored, for the other one to be stored too. */
	private static final long OVERLAP_WAIT_MILLIS = 3_000;
	private static final long OVERLAP_POLL_MILLIS = 25;
	/** Polls in a row that must find the other write waiting for the patient's lock (100 ms). */
	private static final int LOCK_WAIT_SIGHTINGS = 4;

	@Autowired
	IInterceptorService interceptors;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
	private ExecutorService clients;
	private volatile CountDownLatch bothStored = new CountDownLatch(0);
	private volatile Set<Thread> writersOfRound = ConcurrentHashMap.newKeySet();

	@BeforeEach
	void startClients() {
		clients = Executors.newFixedThreadPool(PATIENTS);
	}

	@AfterEach
	void stopClients() {
		clients.shutdownNow();
	}

	/** The interceptor services of every server node the test writes to. */
	protected List<IInterceptorService> interceptorsOfAllNodes() {
		return List.of(interceptors);
	}

	/**
	 * Makes the two writes of a round overlap, as they do now and then under load, instead of by
	 * chance: each, once its consent is stored and before it commits, waits (a few seconds at most)
	 * until the other one has stored its consent too. Writes that take turns do not overlap: the first
	 * waits in vain and commits, then the second goes ahead. The first stops waiting as soon as the
	 * other has been waiting for the patient's write lock for a while: that is the taking of turns the
	 * lock exists for, and without the lock the other would have been stored within the wait. Only
	 * consents of the running test wait.
	 */
	@Interceptor
	public class OverlappingConsentWrites {
		@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = -1000)
		public void noteTheWriter(IBaseResource resource) {
			if (isThisTestsConsent(resource)) {
				writersOfRound.add(Thread.currentThread());
			}
		}

		@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
		public void waitForTheOther(IBaseResource resource) throws InterruptedException {
			if (!isThisTestsConsent(resource)) {
				return;
			}
			CountDownLatch round = bothStored;
			Set<Thread> writers = writersOfRound;
			round.countDown();
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OVERLAP_WAIT_MILLIS);
			int sightings = 0;
			while (!round.await(OVERLAP_POLL_MILLIS, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
				sightings = anotherWaitsForThePatientLock(writers) ? sightings + 1 : 0;
				if (sightings == LOCK_WAIT_SIGHTINGS) {
					return;
				}
			}
		}

		private boolean isThisTestsConsent(IBaseResource resource) {
			return resource instanceof Consent consent && consent.getMeta().getTag("urn:dermconsent:test", testTag) != null;
		}

		private boolean anotherWaitsForThePatientLock(Set<Thread> writers) {
			return writers.stream().filter(writer -> writer != Thread.currentThread())
					.anyMatch(writer -> Arrays.stream(writer.getStackTrace()).anyMatch(frame ->
							frame.getClassName().equals(PatientWriteLock.class.getName()) && frame.getMethodName().equals("lock")));
		}
	}

	/** The FHIR base of the node that gets the second of each pair of writes. */
	protected String otherNodeBaseUrl() {
		return baseUrl();
	}

	@Test
	void labelsFollowTheNewestOfTwoConsentsWrittenAtOnce() throws Exception {
		String patient = patient();
		List<String> images = new ArrayList<>();
		for (int i = 0; i < IMAGES; i++) {
			images.add(create("Media", DermJson.media(testTag, patient, "deidentified", null, "")));
		}
		List<String> failures = new ArrayList<>();
		OverlappingConsentWrites overlap = new OverlappingConsentWrites();
		interceptorsOfAllNodes().forEach(node -> node.registerInterceptor(overlap));
		try {
			writeRoundsOfTwoConsents(patient, images, failures);
		} finally {
			interceptorsOfAllNodes().forEach(node -> node.unregisterInterceptor(overlap));
		}
		assertThat(failures).as("rounds whose labels did not follow the newest consent").isEmpty();
	}

	/** Each round: an older and a newer consent at once, then every image's labels against its decision. */
	private void writeRoundsOfTwoConsents(String patient, List<String> images, List<String> failures) throws Exception {
		for (int round = 0; round < ROUNDS; round++) {
			boolean newerGrants = round % 2 == 1;
			Instant older = FIRST_CONSENT.plus(Duration.ofMinutes(2L * round));
			String olderConsent = consent(patient, older, !newerGrants, null);
			String newerConsent = consent(patient, older.plus(Duration.ofMinutes(1)), newerGrants, null);
			// the older one goes first to this node, the newer one to the other node
			bothStored = new CountDownLatch(2);
			writersOfRound = ConcurrentHashMap.newKeySet();
			List<Integer> statuses = postAtOnce(List.of(
					new Post(baseUrl(), olderConsent), new Post(otherNodeBaseUrl(), newerConsent)));
			if (!statuses.equals(List.of(201, 201))) {
				failures.add("round " + round + ": consent writes answered " + statuses);
			}
			Set<String> labelledForAiTraining = aiTrainingImagesOf(images);
			for (String image : images) {
				boolean labelled = labelledForAiTraining.contains(image);
				boolean decided = decisionPermitsAiTraining(image);
				if (labelled != newerGrants || decided != newerGrants) {
					failures.add("round " + round + ": " + image + " labelled " + labelled + ", decided " + decided
							+ ", newest consent grants " + newerGrants);
				}
			}
		}
	}

	@Test
	void consentWritesForDifferentPatientsAtOnceAllSucceed() throws Exception {
		List<String> patients = new ArrayList<>();
		List<String> images = new ArrayList<>();
		for (int i = 0; i < PATIENTS; i++) {
			patients.add(patient());
			images.add(create("Media", DermJson.media(testTag, patients.get(i), "deidentified", null, "")));
		}
		List<String> failures = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			// a tag and a grant end no resource had before: every write creates the same new tag definitions
			String sharedNewTag = "burst-" + UUID.randomUUID();
			String periodEnd = Instant.parse("2031-01-01T00:00:00Z").plus(Duration.ofMinutes(round))
					.plusMillis(Math.floorMod(sharedNewTag.hashCode(), 60_000)).toString();
			List<Post> posts = new ArrayList<>();
			for (int i = 0; i < PATIENTS; i++) {
				String consent = consent(patients.get(i), FIRST_CONSENT.plus(Duration.ofMinutes(round)), true, periodEnd)
						.replace("\"tag\":[", "\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + sharedNewTag + "\"},");
				posts.add(new Post(i % 2 == 0 ? baseUrl() : otherNodeBaseUrl(), consent));
			}
			List<Integer> statuses = postAtOnce(posts);
			if (statuses.stream().anyMatch(status -> status != 201)) {
				failures.add("round " + round + ": consent writes answered " + statuses);
			}
		}
		Set<String> labelled = aiTrainingImagesOf(images);
		assertThat(failures).as("independent consent writes that failed").isEmpty();
		assertThat(labelled).containsExactlyInAnyOrderElementsOf(images);
	}

	/** A derm image consent dated {@code dateTime} that grants ai-training, or grants nothing. */
	private String consent(String patient, Instant dateTime, boolean grantsAiTraining, String grantEnd) {
		List<String> provisions = grantsAiTraining
				? List.of(DermJson.permit("ai-training", null, null, grantEnd))
				: List.of();
		return DermJson.consent(testTag, patient, "active", provisions)
				.replace("\"dateTime\":\"2026-01-15T10:00:00Z\"", "\"dateTime\":\"" + dateTime + "\"");
	}

	private record Post(String base, String consent) {}

	/** Sends the consents at the same moment, each on its own connection; their statuses in order. */
	private List<Integer> postAtOnce(List<Post> posts) throws Exception {
		CyclicBarrier start = new CyclicBarrier(posts.size());
		List<Future<Integer>> sent = new ArrayList<>();
		for (Post post : posts) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(post.base() + "/Consent"))
					.header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
					.timeout(Duration.ofSeconds(60))
					.POST(HttpRequest.BodyPublishers.ofString(post.consent())).build();
			sent.add(clients.submit(() -> {
				start.await(30, TimeUnit.SECONDS);
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 201) {
					System.out.println("Concurrent consent write answered " + response.statusCode() + ": " + response.body());
				}
				return response.statusCode();
			}));
		}
		List<Integer> statuses = new ArrayList<>();
		for (Future<Integer> result : sent) {
			statuses.add(result.get(90, TimeUnit.SECONDS));
		}
		return statuses;
	}

	/**
	 * Which of {@code images} an ai-training search finds: what their labels say (by id: criteria on the
	 * subject are refused for secondary purposes).
	 */
	private Set<String> aiTrainingImagesOf(List<String> images) {
		JsonPath found = fhir().header(RequestPurpose.HEADER, "ai-training")
				.get("/Media?_id=" + String.join(",", images) + "&_count=50").then().statusCode(200).extract().jsonPath();
		return new HashSet<>(found.getList("entry.resource.id", String.class));
	}

	/** What the consents decide for the image, computed from the consents themselves. */
	private boolean decisionPermitsAiTraining(String image) {
		String decision = fhir().get("/Media/" + image + "/$consent-decision?purpose=ai-training").then().statusCode(200)
				.extract().path("parameter.find { it.name == 'decision' }.valueCode");
		return "permit".equals(decision);
	}

	private String patient() {
		return "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
