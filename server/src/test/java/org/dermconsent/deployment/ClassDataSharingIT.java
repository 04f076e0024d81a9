package org.dermconsent.deployment;

import org.dermconsent.support.LaunchedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
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

	private LaunchedServer server;

	@AfterEach
	void stopServer() throws InterruptedException {
		if (server != null && server.isAlive()) {
			server.stop();
		}
	}

	@Test
	void theArchiveIsMadeAndTheServerStartsWithItsClassesFromIt() throws Exception {
		Path home = copyOfThePackagedServer();

		Path makerLog = temp.resolve("dermconsent-cds.log");
		ProcessBuilder makerBuilder = new ProcessBuilder(home.resolve("bin/dermconsent-cds").toString())
				.redirectErrorStream(true).redirectOutput(makerLog.toFile());
		makerBuilder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		makerBuilder.environment().remove("JAVA_OPTS");
		// the recording start runs on the embedded defaults whatever the environment names
		makerBuilder.environment().put("SPRING_PROFILES_ACTIVE", "postgres");
		makerBuilder.environment().put("DERMCONSENT_DB_URL", "jdbc:postgresql://127.0.0.1:1/no-such-database");
		Process maker = makerBuilder.start();
		assertThat(maker.waitFor(DEADLINE.toMinutes(), TimeUnit.MINUTES)).as("dermconsent-cds finished").isTrue();
		assertThat(maker.exitValue()).as(Files.readString(makerLog)).isZero();
		assertThat(home.resolve("dermconsent.jsa")).isNotEmptyFile();
		assertThat(Files.readString(makerLog)).containsPattern("archiving \\d{4,} classes");

		Path classLog = temp.resolve("class-load.log");
		server = LaunchedServer.start(home, "-Xshare:on -Xmx768m -Xlog:class+load=info:file=" + classLog,
				LaunchedServer.freePort(), Files.createDirectories(temp.resolve("data")), temp.resolve("server.log"), DEADLINE);

		assertThat(classLog).content()
				.containsPattern("org\\.dermconsent\\.DermConsentApplication source: shared objects file")
				.containsPattern("ca\\.uhn\\.fhir\\.rest\\.server\\.RestfulServer source: shared objects file");
	}

	private Path copyOfThePackagedServer() throws IOException {
		Path packaged = Path.of(System.getProperty("dermconsent.home", "target/dermconsent")).toAbsolutePath();
		Path home = temp.resolve("dermconsent");
		try (Stream<Path> files = Files.walk(packaged)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				if (!file.getFileName().toString().equals("dermconsent.jsa")) {
					Files.copy(file, home.resolve(packaged.relativize(file).toString()), COPY_ATTRIBUTES);
				}
			}
		}
		return home;
	}
}
