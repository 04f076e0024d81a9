package org.dermconsent.deployment;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dermconsent-prepare, which the build runs to make the class archive and the seed, with a stand-in java:
 * the recording start records what it was given and writes a class list; when the test's HTTP server answers
 * for it, the script sees the start answer {@code /fhir/metadata}. The real archive and the JVM's use of it are
 * {@link ClassDataSharingIT}'s; the real seed and a start from it, {@link FirstStartSeedIT}'s.
 */
class StartPreparationTest {

	private static final String CLASS_LIST = String.join("\n",
			"java/lang/Object id: 0",
			"org/dermconsent/DermConsentApplication id: 1",
			"@lambda-proxy org/dermconsent/DermConsentApplication run ()Ljava/lang/Runnable;",
			"@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L_L", "");

	@TempDir
	Path temp;
	private ScriptLayout layout;
	private Path records;
	private HttpServer metadata;

	@BeforeEach
	void layOut() throws IOException {
		layout = ScriptLayout.of(temp, "dermconsent-prepare");
		records = Files.createDirectories(temp.resolve("records"));
		metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		metadata.createContext("/fhir/metadata", exchange -> {
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
	}

	@AfterEach
	void stopMetadata() {
		metadata.stop(0);
	}

	@Test
	void theArchiveIsDumpedFromTheRecordedClassesLessTheLambdaProxies() throws Exception {
		standInJava("");
		metadata.start();

		Result result = run(Map.of());

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(archive()).hasContent("archive");
		List<String> dumpArguments = Files.readAllLines(records.resolve("dump-arguments"));
		assertThat(dumpArguments).contains("-Xshare:dump");
		assertThat(records.resolve("dumped-class-list")).content()
				.contains("org/dermconsent/DermConsentApplication id: 1", "@lambda-form-invoker")
				.doesNotContain("@lambda-proxy");
		assertThat(result.output()).contains("archiving 2 classes");
		assertThat(recordingStartIsGone()).isTrue();
	}

	@Test
	void theSeedIsWrittenFromTheDatabaseOfTheRecordingStart() throws Exception {
		standInJava("");
		metadata.start();

		Result result = run(Map.of());

		assertThat(result.exitCode()).as(result.output()).isZero();
		String recordingDirectory = Files.readString(records.resolve("recording-directory")).strip();
		assertThat(Files.readAllLines(records.resolve("seed-arguments"))).containsExactly("-cp",
				layout.home().resolve("dermconsent.jar").toString(), "org.dermconsent.seed.SeedWriter",
				recordingDirectory + "/data", seed().toString());
		assertThat(seed().resolve("dermconsent.mv.db")).hasContent("seed");
		assertThat(result.output()).contains("wrote " + seed());
		assertThat(Path.of(recordingDirectory)).as("the throwaway database is removed").doesNotExist();
	}

	@Test
	void aSeedThatCannotBeWrittenFailsTheScriptAndNoEarlierSeedRemains() throws Exception {
		Files.createDirectories(seed());
		Files.writeString(seed().resolve("dermconsent.mv.db"), "an earlier build's seed");
		standInJava("", ":", "echo 'The database holds resources that are not the conformance package' >&2; exit 1");
		metadata.start();

		Result result = run(Map.of());

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("writing the seed failed", "not the conformance package");
		assertThat(seed()).doesNotExist();
	}

	@Test
	void theRecordingStartRunsOnTheEmbeddedDefaultsWhateverTheEnvironmentSays() throws Exception {
		standInJava("");
		metadata.start();

		Result result = run(Map.of("DERMCONSENT_DB_URL", "jdbc:postgresql://db.hospital.example/ehr",
				"SPRING_PROFILES_ACTIVE", "postgres", "JAVA_OPTS", "-Xmx1g"));

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(records.resolve("recording-environment")).content()
				.doesNotContain("DERMCONSENT_DB_URL", "SPRING_PROFILES_ACTIVE", "db.hospital.example");
		assertThat(Files.readAllLines(records.resolve("recording-arguments")))
				.contains("-Xmx1g", "--server.port=0", "--server.address=127.0.0.1")
				.anyMatch(argument -> argument.startsWith("-XX:DumpLoadedClassList="));
	}

	@Test
	void aStartThatStopsBeforeItAnswersFailsTheScriptAndLeavesNoArchiveOrSeed() throws Exception {
		Files.writeString(archive(), "an earlier build's archive");
		Files.createDirectories(seed());
		standInJava("echo 'APPLICATION FAILED TO START' >&2; exit 1");

		Result result = run(Map.of());

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("stopped before it answered", "APPLICATION FAILED TO START");
		assertThat(archive()).doesNotExist();
		assertThat(seed()).doesNotExist();
		assertThat(records.resolve("dump-arguments")).doesNotExist();
	}

	@Test
	void aDumpCutShortLeavesNoArchive() throws Exception {
		standInJava("", "kill -9 $PPID"); // the dump has written half an archive when the build is killed
		metadata.start();

		Result result = run(Map.of());

		assertThat(result.exitCode()).isNotZero();
		assertThat(records.resolve("dump-arguments")).exists();
		// bin/dermconsent would give the JVM an archive newer than the jar, whatever it holds
		assertThat(archive()).doesNotExist();
	}

	@Test
	void aStartThatNeverAnswersIsStoppedAtTheDeadline() throws Exception {
		standInJava(""); // the metadata server is not started: nothing answers on the port the start names

		Result result = run(Map.of("DERMCONSENT_PREPARE_TIMEOUT", "3"));

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("did not answer within 3 s");
		assertThat(recordingStartIsGone()).isTrue();
		assertThat(archive()).doesNotExist();
	}

	/**
	 * A java that, asked to dump, records its arguments and class list and writes the archive (running
	 * {@code dumpCutShort} half-way); otherwise (the recording start) runs {@code failure} if given, else
	 * records its arguments and environment, writes the class list it was told to, says on which port
	 * "Tomcat started" and waits to be stopped.
	 */
	private void standInJava(String failure) throws IOException {
		standInJava(failure, ":");
	}

	private void standInJava(String failure, String dumpCutShort) throws IOException {
		standInJava(failure, dumpCutShort, "mkdir -p \"$5\"; echo seed > \"$5/dermconsent.mv.db\"");
	}

	/** {@code seedWriter}: what the stand-in does when asked to run the SeedWriter ($4 the data, $5 the seed). */
	private void standInJava(String failure, String dumpCutShort, String seedWriter) throws IOException {
		Files.writeString(records.resolve("class-list"), CLASS_LIST);
		String script = """
				#!/bin/sh
				records='%s'
				for a in "$@"; do
				  case $a in
				    org.dermconsent.seed.SeedWriter) printf '%%s\\n' "$@" > "$records/seed-arguments"
				       %s
				       exit ;;
				    -Xshare:dump) printf '%%s\\n' "$@" > "$records/dump-arguments"
				       for b in "$@"; do
				         case $b in
				           -XX:SharedClassListFile=*) cp "${b#*=}" "$records/dumped-class-list" ;;
				           -XX:SharedArchiveFile=*) printf arch > "${b#*=}"; %s; printf ive >> "${b#*=}" ;;
				         esac
				       done
				       exit 0 ;;
				  esac
				done
				%s
				printf '%%s\\n' "$@" > "$records/recording-arguments"
				pwd > "$records/recording-directory"
				env > "$records/recording-environment"
				echo $$ > "$records/recording-pid"
				for a in "$@"; do
				  case $a in -XX:DumpLoadedClassList=*) cp "$records/class-list" "${a#*=}" ;; esac
				done
				echo "Tomcat started on port %d (http) with context path '/'"
				exec sleep 600
				""".formatted(records, seedWriter, dumpCutShort, failure, metadata.getAddress().getPort());
		layout.writeJava(script);
	}

	private Path seed() {
		return layout.home().resolve("seed");
	}

	private Path archive() {
		return layout.home().resolve("dermconsent.jsa");
	}

	private boolean recordingStartIsGone() throws IOException {
		long pid = Long.parseLong(Files.readString(records.resolve("recording-pid")).strip());
		return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
	}

	private Result run(Map<String, String> environment) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(layout.script().toString());
		builder.environment().remove("JAVA_OPTS");
		builder.environment().put("JAVA_HOME", layout.javaHome().toString());
		builder.environment().putAll(environment);
		Path output = temp.resolve("dermconsent-prepare.out");
		Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
		boolean finished = process.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
		assertThat(finished).as("dermconsent-prepare finished; its output: %s", Files.readString(output)).isTrue();
		return new Result(process.exitValue(), Files.readString(output));
	}

	private record Result(int exitCode, String output) {
	}
}
