package org.dermconsent.deployment;

import org.dermconsent.support.LaunchedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server starts with the class archive the build made (server/pom.xml runs bin/dermconsent-prepare
 * after laying the server out): bin/dermconsent gives it, with {@code -Xshare:on} a JVM that cannot map it
 * refuses to start, and the class-loading log shows the server's own classes and HAPI's coming from the
 * archive rather than from their jars. (What the script does, with a stand-in java: {@link StartPreparationTest}.)
 * Runs in the integration-test phase (failsafe), after the package.
 */
class ClassDataSharingIT {

	@TempDir
	Path temp;

	@Test
	void theServerStartsWithItsClassesFromTheArchiveTheBuildMade() throws Exception {
		Path home = LaunchedServer.packagedHome();
		Path archive = home.resolve("dermconsent.jsa");
		assertThat(archive).as("the build's class archive (was the build run with -Ddermconsent.prepare.skip=true?)").isNotEmptyFile();
		assertThat(Files.getLastModifiedTime(archive)).as("made after the jar, so bin/dermconsent gives it")
				.isGreaterThan(Files.getLastModifiedTime(home.resolve("dermconsent.jar")));

		Path classLog = temp.resolve("class-load.log");
		try (LaunchedServer server = LaunchedServer.start(home, "-Xshare:on -Xmx768m -Xlog:class+load=info:file=" + classLog,
				LaunchedServer.freePort(), Files.createDirectories(temp.resolve("data")), temp.resolve("server.log"))) {
			assertThat(classLog).content()
					.containsPattern("org\\.dermconsent\\.DermConsentApplication source: shared objects file")
					.containsPattern("ca\\.uhn\\.fhir\\.rest\\.server\\.RestfulServer source: shared objects file");
		}
	}
}
