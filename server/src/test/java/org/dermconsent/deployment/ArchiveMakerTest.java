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
 * bin/dermconsent-cds, which the build runs to make the class archive, with a stand-in java: the recording
 * start records what it was given and writes a class list; when the test's HTTP server answers for it, the
 * script sees the start answer {@code /fhir/metadata}. The real archive and the JVM's use of it are
 * {@link ClassDataSharingIT}'s.
 */
class ArchiveMakerTest {

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
		layout = ScriptLayout.of(temp, "dermconsent-cds");
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
	void aStartThatStopsBeforeItAnswersFailsTheScriptAndLeavesNoArchive() throws Exception {
		Files.writeString(archive(), "an earlier build's archive");
		standInJava("echo 'APPLICATION FAILED TO START' >&2; exit 1");

		Result result = run(Map.of());

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("stopped before it answered", "APPLICATION FAILED TO START");
		assertThat(archive()).doesNotExist();
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

		Result result = run(Map.of("DERMCONSENT_CDS_TIMEOUT", "3"));

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
		Files.writeString(records.resolve("class-list"), CLASS_LIST);
		String script = """
				#!/bin/sh
				records='%s'
				for a in "$@"; do
				  case $a in
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
				env > "$records/recording-environment"
				echo $$ > "$records/recording-pid"
				for a in "$@"; do
				  case $a in -XX:DumpLoadedClassList=*) cp "$records/class-list" "${a#*=}" ;; esac
				done
				echo "Tomcat started on port %d (http) with context path '/'"
				exec sleep 600
				""".formatted(records, dumpCutShort, failure, metadata.getAddress().getPort());
		layout.writeJava(script);
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
		Path output = temp.resolve("dermconsent-cds.out");
		Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
		boolean finished = process.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
		assertThat(finished).as("dermconsent-cds finished; its output: %s", Files.readString(output)).isTrue();
		return new Result(process.exitValue(), Files.readString(output));
	}

	private record Result(int exitCode, String output) {
	}
}
