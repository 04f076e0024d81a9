package org.dermconsent.audit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.LaunchedServer;
import org.dermconsent.support.ReadOnlyH2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disclosure audit survives kill -9. The packaged server runs as a process of its own (started by its
 * launcher, as deployed) on an H2 file database and answers 300 disclosing reads; it stores the first 150
 * as AuditEvents while running, and is killed (SIGKILL: no shutdown hook, nothing drained) the moment the
 * last response is in.
 * Restarted on the same data, it holds exactly one AuditEvent per disclosure, every one naming its
 * image and patient: the journal replays all 300 (the first run never compacts it), so the events
 * stored before the crash are stored a second time and must not be duplicated.
 *
 * <p>Deterministic: nothing depends on how far the first run got with storing when it was killed
 * (the test reads that from the database file, for the record, before the restart); every wait is
 * for a condition, bounded. Runs in the integration-test phase (failsafe), after the jar is built.
 */
class AuditSurvivesCrashIT {

	private static final int DISCLOSURES = 300;
	private static final Duration STORING = Duration.ofMinutes(5);
	private static final String TAG = "crash";

	@TempDir
	Path data;

	private LaunchedServer server;
	private int port;

	@AfterEach
	void stopServer() throws InterruptedException {
		if (server != null && server.isAlive()) {
			server.kill();
		}
	}

	@Test
	void noDisclosureIsLostWhenTheServerIsKilledRightAfterAnswering() throws Exception {
		Instant began = Instant.now();
		port = LaunchedServer.freePort();
		Duration firstStart = start("first", "1h"); // never compacts: the journal keeps all it is given
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"}");
		create("Consent", DermJson.consent(TAG, patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		List<String> images = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			images.add(create("Media", DermJson.media(TAG, patient, "deidentified", null, "")));
		}

		disclose(images, DISCLOSURES / 2);
		assertThat(awaitEvents(patient, DISCLOSURES / 2)).as("events stored while the first run was up")
				.isEqualTo(DISCLOSURES / 2);
		disclose(images, DISCLOSURES - DISCLOSURES / 2);
		server.kill(); // SIGKILL right after the last response
		Instant killed = Instant.now();

		assertThat(journaledRecords()).as("records in the audit journal after the kill").isEqualTo(DISCLOSURES);
		long storedAtKill = storedEvents();

		Duration secondStart = start("second", "1s");
		assertThat(awaitEvents(patient, DISCLOSURES)).as("AuditEvents after the restart").isEqualTo(DISCLOSURES);
		Duration recovered = Duration.between(killed, Instant.now());
		int namingAnImage = 0;
		for (String image : images) {
			namingAnImage += count("/AuditEvent?entity=Media/" + image + "&_summary=count");
		}
		assertThat(namingAnImage).as("events that name their image").isEqualTo(DISCLOSURES);
		awaitEmptyJournal(); // stored, made durable, and deleted from the journal
		assertThat(countEvents(patient)).as("AuditEvents once the replay is over").isEqualTo(DISCLOSURES);
		assertThat(errorLines("second")).as("ERROR lines in the restarted server's log").isEmpty();

		System.out.printf("AuditSurvivesCrashIT: %d disclosed, %d in the journal at the kill, %d stored in the database"
						+ " at the kill, %d found after the restart (0 lost); starts %d s and %d s, kill to all stored %d s,"
						+ " whole test %d s%n", DISCLOSURES, DISCLOSURES, storedAtKill, DISCLOSURES, firstStart.toSeconds(),
				secondStart.toSeconds(), recovered.toSeconds(), Duration.between(began, Instant.now()).toSeconds());
	}

	private void disclose(List<String> images, int reads) {
		for (int i = 0; i < reads; i++) {
			fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + images.get(i % images.size()))
					.then().statusCode(200);
		}
	}

	/** Starts the server as it is deployed (its launcher) on the test's data; returns how long it took to answer. */
	private Duration start(String run, String compactInterval) throws IOException, InterruptedException {
		server = LaunchedServer.start(LaunchedServer.packagedHome(), "-Xmx768m", port, data, data.resolve(run + ".log"),
				"--spring.datasource.url=jdbc:h2:file:" + data.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE",
				"--spring.jpa.properties.hibernate.search.backend.directory.root=" + data.resolve("lucene"),
				"--dermconsent.audit.compact-interval=" + compactInterval);
		return server.startup();
	}

	/** Waits (bounded) until there are {@code expected} events, then returns how many there are. */
	private int awaitEvents(String patient, int expected) throws InterruptedException {
		int count = 0;
		for (Instant deadline = Instant.now().plus(STORING); Instant.now().isBefore(deadline); Thread.sleep(250)) {
			count = countEvents(patient);
			if (count >= expected) {
				break;
			}
		}
		return count;
	}

	private void awaitEmptyJournal() throws IOException, InterruptedException {
		for (Instant deadline = Instant.now().plus(STORING); Instant.now().isBefore(deadline); Thread.sleep(250)) {
			if (journaledRecords() == 0) {
				return;
			}
		}
		assertThat(journaledRecords()).as("records left in the journal").isZero();
	}

	private int countEvents(String patient) {
		return count("/AuditEvent?patient=" + patient + "&_summary=count");
	}

	private int count(String search) {
		return fhir().get(search).then().statusCode(200).extract().path("total");
	}

	/** AuditEvents in the killed server's database file (read-only), before the restart replays the journal. */
	private long storedEvents() throws SQLException {
		return ReadOnlyH2.count(data.resolve("db"), "SELECT COUNT(*) FROM HFJ_RESOURCE WHERE RES_TYPE = 'AuditEvent'");
	}

	private long journaledRecords() throws IOException {
		Path journal = data.resolve("audit-journal");
		if (!Files.isDirectory(journal)) {
			return 0;
		}
		try (Stream<Path> segments = Files.list(journal)) {
			return segments.filter(file -> file.toString().endsWith(".journal")).mapToLong(file -> {
				try (Stream<String> lines = Files.lines(file)) {
					return lines.count();
				} catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			}).sum();
		}
	}

	private List<String> errorLines(String run) throws IOException {
		try (Stream<String> lines = Files.lines(data.resolve(run + ".log"))) {
			return lines.filter(line -> line.contains(" ERROR ")).toList();
		}
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private RequestSpecification fhir() {
		return RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir")
				.accept("application/fhir+json").contentType("application/fhir+json");
	}
}
