package org.dermconsent.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A copy of one of the server's bin/ scripts laid out as the build lays it out (bin/ beside an empty
 * dermconsent.jar, under a home whose path has a space, so that paths must stay one argument), and a
 * JAVA_HOME whose java the test writes: the scripts are run as they ship, with a stand-in java.
 */
record ScriptLayout(Path home, Path script, Path javaHome) {

	static ScriptLayout of(Path temp, String scriptName) throws IOException {
		Path home = Files.createDirectories(temp.resolve("dermconsent home"));
		Path script = home.resolve("bin/" + scriptName);
		Files.createDirectories(script.getParent());
		Files.copy(Path.of("src/main/dist/bin", scriptName), script);
		executable(script);
		Files.writeString(home.resolve("dermconsent.jar"), "");
		Path javaHome = Files.createDirectories(temp.resolve("jdk/bin")).getParent();
		return new ScriptLayout(home, script, javaHome);
	}

	void writeJava(String shellScript) throws IOException {
		Path java = javaHome.resolve("bin/java");
		Files.writeString(java, shellScript);
		executable(java);
	}

	private static void executable(Path file) throws IOException {
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
	}
}
