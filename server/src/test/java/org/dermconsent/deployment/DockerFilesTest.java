package org.dermconsent.deployment;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker cannot run here, so the deployment files are checked for what would break them: YAML
 * structure, service wiring, and environment variables that the server really reads.
 */
class DockerFilesTest {

	private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
	private static final Path DOCKER = REPOSITORY.resolve("docker");

	@Test
	void composeStartsServerWithPostgresAndKeycloak() throws IOException {
		Map<String, Object> services = section(compose(), "services");
		assertThat(services).containsOnlyKeys("server", "postgres", "keycloak");

		Map<String, Object> server = section(services, "server");
		assertThat(section(server, "build")).containsEntry("dockerfile", "docker/Dockerfile").containsEntry("context", "..");
		Map<String, Object> dependsOn = section(server, "depends_on");
		assertThat(section(dependsOn, "postgres")).containsEntry("condition", "service_healthy");
		assertThat(section(dependsOn, "keycloak")).containsEntry("condition", "service_healthy");

		Map<String, Object> environment = section(server, "environment");
		assertThat(environment).containsEntry("SPRING_PROFILES_ACTIVE", "postgres");
		assertThat((String) environment.get("DERMCONSENT_DB_URL")).startsWith("jdbc:postgresql://postgres:5432/");
		assertThat(section(section(services, "postgres"), "healthcheck")).containsKey("test");
	}

	@Test
	@SuppressWarnings("unchecked")
	void keycloakImportsRealmsFromTheRepositoryDirectory() throws IOException {
		Map<String, Object> keycloak = section(section(compose(), "services"), "keycloak");
		assertThat((List<Object>) keycloak.get("command")).contains("--import-realm");
		assertThat((List<Object>) keycloak.get("volumes")).anySatisfy(volume ->
				assertThat(volume.toString()).startsWith("./keycloak:/opt/keycloak/data/import"));
		assertThat(DOCKER.resolve("keycloak")).isDirectory();
	}

	@Test
	void everyServerVariableInComposeIsReadByTheServerAndDocumented() throws IOException {
		Map<String, Object> environment = section(section(section(compose(), "services"), "server"), "environment");
		Set<String> readByServer = placeholdersInServerConfiguration();
		String readme = Files.readString(REPOSITORY.resolve("README.md"));

		for (String variable : environment.keySet()) {
			if (variable.startsWith("DERMCONSENT_")) {
				assertThat(readByServer).as("server configuration reads %s", variable)
						.contains(variable);
			}
			assertThat(readme).as("README documents %s", variable).contains(variable);
		}
	}

	@Test
	void dockerfileRunsAsNonRootOnJava17WithHealthCheck() throws IOException {
		String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
		assertThat(dockerfile).containsPattern("(?m)^FROM \\S*temurin:17-jre");
		assertThat(dockerfile).containsPattern("(?m)^USER (?!root|0\\b)\\S+");
		assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*\\n?.*actuator/health");
		assertThat(dockerfile).contains("server/target/dermconsent.jar");
	}

	@Test
	void buildContextIgnoresBuildOutputAndData() throws IOException {
		// Docker reads .dockerignore from the root of the build context, which compose resolves from docker/
		Path context = DOCKER.resolve((String) section(section(section(compose(), "services"), "server"), "build").get("context"))
				.normalize();
		Path dockerignore = context.resolve(".dockerignore");
		assertThat(dockerignore).isRegularFile();
		List<String> patterns = Files.readAllLines(dockerignore).stream()
				.map(String::trim)
				.filter(line -> !line.isEmpty() && !line.startsWith("#"))
				.map(line -> line.replaceAll("/+$", ""))
				.toList();
		assertThat(patterns).contains("**/target", "data");
	}

	private static Map<String, Object> compose() throws IOException {
		return new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> section(Map<String, Object> parent, String key) {
		assertThat(parent).containsKey(key);
		return (Map<String, Object>) parent.get(key);
	}

	private static Set<String> placeholdersInServerConfiguration() throws IOException {
		Set<String> names = new TreeSet<>();
		Pattern placeholder = Pattern.compile("\\$\\{(DERMCONSENT_[A-Z_]+)");
		try (Stream<Path> files = Files.list(REPOSITORY.resolve("server/src/main/resources"))) {
			for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
				Matcher matcher = placeholder.matcher(Files.readString(file));
				while (matcher.find()) {
					names.add(matcher.group(1));
				}
			}
		}
		return names;
	}
}
