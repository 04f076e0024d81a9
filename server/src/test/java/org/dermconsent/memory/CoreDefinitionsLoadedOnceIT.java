package org.dermconsent.memory;

import org.dermconsent.support.LaunchedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server holds one copy of HAPI's R4 core StructureDefinitions once the warm-ups that follow its
 * start are done. HAPI loads them lazily and without a lock: when two threads first read them at the same time,
 * each parses its own copy and each validation chain keeps the one it got, 75 MB of heap for the life of the
 * process (it happened when the search parameter extractor's FHIRPath engine was built after startup, beside the
 * profile validator's warm-up). The count comes from the running JVM's histogram of live objects, as an operator
 * would take it ({@code jcmd <pid> GC.class_histogram}). Runs in the integration-test phase (failsafe), after the
 * package.
 */
class CoreDefinitionsLoadedOnceIT {

	private static final String R4_STRUCTURE_DEFINITION = "org.hl7.fhir.r4.model.StructureDefinition";
	/** R4 (4.0.1) has 649 core StructureDefinitions; the server adds its own profiles and extensions. */
	private static final long CORE_DEFINITIONS = 649;

	@TempDir
	Path temp;

	@Test
	void theServerKeepsOneCopyOfTheR4CoreDefinitionsOnceItsWarmUpsAreDone() throws Exception {
		long copies;
		try (LaunchedServer server = LaunchedServer.start(LaunchedServer.packagedHome(), "-Xmx768m", LaunchedServer.freePort(),
				Files.createDirectories(temp.resolve("data")), temp.resolve("server.log"))) {
			awaitNoWarmUpThread(server, Duration.ofMinutes(5));
			copies = liveInstances(server, R4_STRUCTURE_DEFINITION);
		}

		assertThat(copies).as("live %s objects: the %d core definitions and DermConsent's own, once", R4_STRUCTURE_DEFINITION, CORE_DEFINITIONS)
				.isBetween(CORE_DEFINITIONS, CORE_DEFINITIONS + 100);
	}

	private static void awaitNoWarmUpThread(LaunchedServer server, Duration deadline) throws IOException, InterruptedException {
		Instant end = Instant.now().plus(deadline);
		while (jcmd(server, "Thread.print").contains("warm-up\"")) {
			assertThat(Instant.now()).as("the warm-up threads end within %s", deadline).isBefore(end);
			Thread.sleep(1000);
		}
	}

	/** Live instances of the class, from a histogram taken after a full collection. */
	private static long liveInstances(LaunchedServer server, String className) throws IOException, InterruptedException {
		Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)", Pattern.MULTILINE)
				.matcher(jcmd(server, "GC.class_histogram"));
		assertThat(row.find()).as("a histogram row for %s", className).isTrue();
		return Long.parseLong(row.group(1));
	}

	private static String jcmd(LaunchedServer server, String command) throws IOException, InterruptedException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(server.pid()), command))
				.redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("jcmd %s returned", command).isTrue();
		String text = new String(output, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("jcmd %s: %s", command, text).isZero();
		return text;
	}
}
