package org.dermconsent.audit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disclosure audit survives kill -9: the server jar runs as a process of its own on an H2 file
 * database, answers 300 disclosing reads and is killed (SIGKILL) the moment the last response is in;
 * restarted on the same data, it holds an AuditEvent for every one of them. Killed again right after
 * and restarted once more (its journal not yet compacted), it stores them again, still one each.
 * Runs in the integration-test phase (failsafe), after the jar is built.
 */
class AuditSurvivesCrashIT {

	private static final int DISCLOSURES = 300;
	private static final Duration STARTUP = Duration.ofMinutes(15); // a loaded CI machine takes minutes
	private static final String TAG = "crash";

	@TempDir
	Path data;

	private Process server;
	private int port;

	@AfterEach
	void stopServer() throws InterruptedException {
		if (server != null && server.isAlive()) {
			server.destroyForcibly().waitFor();
		}
	}

	@Test
	void noDisclosureIsLostWhenTheServerIsKilledRightAfterAnswering() throws Exception {
		port = freePort();
		start("first", "1s");
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"}");
		create("Consent", DermJson.consent(TAG, patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		List<String> images = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			images.add(create("Media", DermJson.media(TAG, patient, "deidentified", null, "")));
		}

		for (int i = 0; i < DISCLOSURES; i++) {
			fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + images.get(i % images.size()))
					.then().statusCode(200);
		}
		server.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs, nothing is drained
		System.out.printf("killed with %d disclosures in the audit journal%n", journaledRecords());

		// the journal stays uncompacted, so the third run replays events the second has already stored
		start("second", "1h");
		assertThat(awaitEvents(patient)).isEqualTo(DISCLOSURES);
		server.destroyForcibly().waitFor();

		start("third", "1s");
		assertThat(awaitEvents(patient)).isEqualTo(DISCLOSURES);
		Thread.sleep(2000); // the replay has had time to store duplicates, if it made any
		assertThat(countEvents(patient)).isEqualTo(DISCLOSURES);
	}

	private void start(String run, String compactInterval) throws IOException, InterruptedException {
		Path jar = Path.of(System.getProperty("dermconsent.jar", "target/dermconsent.jar")).toAbsolutePath();
		assertThat(jar).exists();
		server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
				"-jar", jar.toString(),
				"--server.port=" + port,
				"--spring.datasource.url=jdbc:h2:file:" + data.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE",
				"--spring.jpa.properties.hibernate.search.backend.directory.root=" + data.resolve("lucene"),
				"--dermconsent.audit.compact-interval=" + compactInterval)
				.directory(data.toFile())
				.redirectErrorStream(true)
				.redirectOutput(data.resolve(run + ".log").toFile())
				.start();
		Instant deadline = Instant.now().plus(STARTUP);
		while (Instant.now().isBefore(deadline)) {
			assertThat(server.isAlive()).as("server (%s run) alive; see its log %s", run, data.resolve(run + ".log")).isTrue();
			try {
				if (fhir().get("/metadata").statusCode() == 200) {
					return;
				}
			} catch (Exception notYetListening) { // RestAssured rethrows ConnectException undeclared
				// connection refused while it starts
			}
			Thread.sleep(1000);
		}
		throw new AssertionError("The server did not start within " + STARTUP + "; log: " + Files.readString(data.resolve(run + ".log")));
	}

	/** Waits (bounded) for the replayed events, then returns how many there are. */
	private int awaitEvents(String patient) throws InterruptedException {
		int count = 0;
		for (Instant deadline = Instant.now().plusSeconds(300); Instant.now().isBefore(deadline); Thread.sleep(500)) {
			count = countEvents(patient);
			if (count >= DISCLOSURES) {
				break;
			}
		}
		return count;
	}

	private int countEvents(String patient) {
		return fhir().get("/AuditEvent?patient=" + patient + "&_summary=count").then().statusCode(200)
				.extract().path("total");
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

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private RequestSpecification fhir() {
		return RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir")
				.accept("application/fhir+json").contentType("application/fhir+json");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
