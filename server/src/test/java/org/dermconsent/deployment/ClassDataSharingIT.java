package org.dermconsent.deployment;

import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dermconsent-cds on the packaged server (a copy of target/dermconsent, so that no other test starts with
 * its archive) makes an archive the JVM accepts, and bin/dermconsent starts the server with it: with
 * {@code -Xshare:on} a JVM that cannot map the archive refuses to start, and the class-loading log shows the
 * server's own classes coming from the archive rather than from its jar. Runs in the integration-test phase
 * (failsafe), after the package; about two minutes, most of it the recording start and the dump.
 */
class ClassDataSharingIT {

	private static final Duration DEADLINE = Duration.ofMinutes(10); // a loaded 2-core machine is slow

	@TempDir
	Path temp;

	private Process server;

	@AfterEach
	void stopServer() throws InterruptedException {
		if (server != null && server.isAlive()) {
			server.destroy();
			if (!server.waitFor(60, TimeUnit.SECONDS)) {
				server.destroyForcibly().waitFor();
			}
		}
	}

	@Test
	void theArchiveIsMadeAndTheServerStartsWithItsClassesFromIt() throws Exception {
		Path home = copyOfThePackagedServer();

		Path makerLog = temp.resolve("dermconsent-cds.log");
		Process maker = launch(home.resolve("bin/dermconsent-cds"), "").redirectOutput(makerLog.toFile()).start();
		assertThat(maker.waitFor(DEADLINE.toMinutes(), TimeUnit.MINUTES)).as("dermconsent-cds finished").isTrue();
		assertThat(maker.exitValue()).as(Files.readString(makerLog)).isZero();
		assertThat(home.resolve("dermconsent.jsa")).isNotEmptyFile();
		assertThat(Files.readString(makerLog)).containsPattern("archiving \\d{4,} classes");

		int port = freePort();
		Path classLog = temp.resolve("class-load.log");
		Path serverLog = temp.resolve("server.log");
		Path data = Files.createDirectories(temp.resolve("data"));
		server = launch(home.resolve("bin/dermconsent"), "-Xshare:on -Xmx768m -Xlog:class+load=info:file=" + classLog)
				.command(home.resolve("bin/dermconsent").toString(), "--server.port=" + port)
				.directory(data.toFile())
				.redirectOutput(serverLog.toFile())
				.start();
		awaitMetadata(port, serverLog);

		assertThat(classLog).content()
				.containsPattern("org\\.dermconsent\\.DermConsentApplication source: shared objects file")
				.containsPattern("ca\\.uhn\\.fhir\\.rest\\.server\\.RestfulServer source: shared objects file");
	}

	private Path copyOfThePackagedServer() throws IOException {
		Path packaged = Path.of(System.getProperty("dermconsent.home", "target/dermconsent")).toAbsolutePath();
		assertThat(packaged.resolve("bin/dermconsent")).isExecutable();
		Path home = temp.resolve("dermconsent");
		try (Stream<Path> files = Files.walk(packaged)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				if (!file.getFileName().toString().equals("dermconsent.jsa")) {
					Files.copy(file, home.resolve(packaged.relativize(file).toString()),
							java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
				}
			}
		}
		return home;
	}

	private ProcessBuilder launch(Path script, String javaOptions) {
		ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true);
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().put("JAVA_OPTS", javaOptions);
		return builder;
	}

	private void awaitMetadata(int port, Path log) throws Exception {
		Instant deadline = Instant.now().plus(DEADLINE);
		while (Instant.now().isBefore(deadline)) {
			assertThat(server.isAlive()).as("server alive; its log: %s", log).isTrue();
			try {
				if (RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir").get("/metadata").statusCode() == 200) {
					return;
				}
			} catch (Exception notYetListening) { // RestAssured rethrows ConnectException undeclared
				// connection refused while it starts
			}
			Thread.sleep(500);
		}
		throw new AssertionError("The server did not start within " + DEADLINE + "; log: " + Files.readString(log));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
