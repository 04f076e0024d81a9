package org.dermconsent.support;

import io.restassured.RestAssured;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server as it is deployed: started by its launcher, {@code bin/dermconsent} of a laid-out
 * server, with this JVM's java. The launcher execs java, so this process is the JVM (a kill reaches it).
 * For tests that need the server as a process of its own: to kill it, restart it, or start it with JVM
 * options of their own.
 */
public final class LaunchedServer implements AutoCloseable {

	/** How long a start may take where tests run: a loaded 2-core machine is slow. */
	private static final Duration STARTUP_DEADLINE = Duration.ofMinutes(10);

	private final Process process;
	private final Duration startup;

	private LaunchedServer(Process process, Duration startup) {
		this.process = process;
		this.startup = startup;
	}

	/** The laid-out server the package phase made (failsafe names it; target/dermconsent from the module). */
	public static Path packagedHome() {
		return Path.of(System.getProperty("dermconsent.home", "target/dermconsent")).toAbsolutePath();
	}

	/**
	 * Starts the server of {@code home} on {@code port} in {@code directory}, its output in {@code log}, and
	 * returns once {@code GET /fhir/metadata} answers 200; fails (and kills it) if it exits or does not answer
	 * within {@link #STARTUP_DEADLINE}.
	 */
	public static LaunchedServer start(Path home, String javaOptions, int port, Path directory, Path log,
			String... arguments) throws IOException, InterruptedException {
		Path launcher = home.resolve("bin/dermconsent");
		assertThat(launcher).isExecutable();
		List<String> command = new ArrayList<>(List.of(launcher.toString(), "--server.port=" + port));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().put("JAVA_OPTS", javaOptions);

		Instant started = Instant.now();
		Process process = builder.start();
		boolean answered = false;
		try {
			for (Instant end = started.plus(STARTUP_DEADLINE); Instant.now().isBefore(end); Thread.sleep(500)) {
				assertThat(process.isAlive()).as("server alive; its log: %s", log).isTrue();
				if (answersMetadata(port)) {
					answered = true;
					return new LaunchedServer(process, Duration.between(started, Instant.now()));
				}
			}
			throw new AssertionError("The server did not start within " + STARTUP_DEADLINE + "; log: " + Files.readString(log));
		} finally {
			if (!answered) {
				process.destroyForcibly().waitFor();
			}
		}
	}

	private static boolean answersMetadata(int port) {
		try {
			return RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir").get("/metadata").statusCode() == 200;
		} catch (Exception notYetListening) { // RestAssured rethrows ConnectException undeclared
			return false;
		}
	}

	/** From launch to the first answer. */
	public Duration startup() {
		return startup;
	}

	/** The JVM's process id (the launcher execs java). */
	public long pid() {
		return process.pid();
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	/** SIGKILL: no shutdown hook runs. */
	public void kill() throws InterruptedException {
		process.destroyForcibly().waitFor();
	}

	/** SIGTERM, then SIGKILL if it has not stopped within a minute. */
	public void stop() throws InterruptedException {
		process.destroy();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			kill();
		}
	}

	/** Stops the server (SIGTERM, then SIGKILL) unless it has stopped: for try-with-resources. */
	@Override
	public void close() throws InterruptedException {
		if (isAlive()) {
			stop();
		}
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
