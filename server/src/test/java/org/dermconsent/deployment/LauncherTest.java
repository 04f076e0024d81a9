package org.dermconsent.deployment;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dermconsent, the start command, run with a stand-in java that prints what it was given: the options it
 * chooses, the order in which the operator's options follow them, and that it becomes the JVM's process
 * (a container's SIGTERM and the crash test's SIGKILL reach the JVM, not a shell).
 */
class LauncherTest {

	private static final Path LAUNCHER = Path.of("src/main/dist/bin/dermconsent").toAbsolutePath();
	private static final Path PREPARE_SCRIPT = Path.of("src/main/dist/bin/dermconsent-prepare").toAbsolutePath();

	@TempDir
	Path temp;
	private ScriptLayout layout;

	@BeforeEach
	void layOut() throws IOException {
		layout = ScriptLayout.of(temp, "dermconsent");
		layout.writeJava("#!/bin/sh\necho \"pid $$\"\nfor a in \"$@\"; do echo \"$a\"; done\n");
	}

	@Test
	void bothScriptsAreExecutableInTheSourceTree() {
		assertThat(LAUNCHER).isExecutable();
		assertThat(PREPARE_SCRIPT).isExecutable();
	}

	@Test
	void theOperatorsOptionsFollowTheLaunchersAndTheArgumentsGoToTheServer() throws Exception {
		List<String> java = run(Map.of("JAVA_OPTS", "-Xmx1g -Dsome.flag=1"), "--server.port=8081", "--a=b c");

		List<String> options = java.subList(1, java.indexOf("-jar"));
		assertThat(options).endsWith("-Xmx1g", "-Dsome.flag=1");
		assertThat(java.subList(java.indexOf("-jar"), java.size()))
				.containsExactly("-jar", layout.home().toRealPath().resolve("dermconsent.jar").toString(), "--server.port=8081", "--a=b c");
	}

	@Test
	void itBecomesTheJvmsProcess() throws Exception {
		Process process = start(Map.of());
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(output.lines().findFirst()).contains("pid " + process.pid());
	}

	@Test
	void onAtMostTwoCpusTheSerialCollectorIsChosen() throws Exception {
		List<String> java = run(Map.of());

		// the JVM counts CPUs as the launcher does (online CPUs, limited by a cgroup quota)
		if (Runtime.getRuntime().availableProcessors() <= 2) {
			assertThat(java).contains("-XX:+UseSerialGC", "-XX:NewRatio=4");
		} else {
			assertThat(java).doesNotContain("-XX:+UseSerialGC", "-XX:NewRatio=4");
		}
	}

	@Test
	void aCollectorNamedByTheOperatorWins() throws Exception {
		assertThat(run(Map.of("JAVA_OPTS", "-Xmx1g -XX:+UseG1GC"))).doesNotContain("-XX:+UseSerialGC", "-XX:NewRatio=4").contains("-XX:+UseG1GC");
		assertThat(run(Map.of("JAVA_OPTS", "-XX:+UseParallelGC"))).doesNotContain("-XX:+UseSerialGC");
	}

	@Test
	void theCompiledCodeIsKeptWithin64MiBUnlessTheOperatorSizesIt() throws Exception {
		assertThat(run(Map.of())).contains("-XX:ReservedCodeCacheSize=64m");

		// the JVM takes the last of two sizes: the operator's comes after the launcher's
		List<String> java = run(Map.of("JAVA_OPTS", "-XX:ReservedCodeCacheSize=240m"));
		assertThat(java.indexOf("-XX:ReservedCodeCacheSize=240m")).isGreaterThan(java.indexOf("-XX:ReservedCodeCacheSize=64m"));
	}

	@Test
	void theArchiveIsGivenOnlyWhenItIsNewerThanTheJar() throws Exception {
		String option = "-XX:SharedArchiveFile=" + layout.home().toRealPath().resolve("dermconsent.jsa");
		assertThat(run(Map.of())).doesNotContain(option);

		Path archive = Files.writeString(layout.home().resolve("dermconsent.jsa"), "");
		Files.setLastModifiedTime(layout.home().resolve("dermconsent.jar"), FileTime.from(Instant.now().minusSeconds(60)));
		assertThat(run(Map.of())).contains(option);

		// the jar rebuilt after the archive was made: the archive describes other jars
		Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(120)));
		assertThat(run(Map.of())).doesNotContain(option);
	}

	private List<String> run(Map<String, String> environment, String... arguments) throws Exception {
		Process process = start(environment, arguments);
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output.lines().toList();
	}

	private Process start(Map<String, String> environment, String... arguments) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(layout.script().toString());
		builder.command().addAll(List.of(arguments));
		builder.environment().remove("JAVA_OPTS");
		builder.environment().put("JAVA_HOME", layout.javaHome().toString());
		builder.environment().putAll(environment);
		return builder.redirectErrorStream(true).start();
	}
}
