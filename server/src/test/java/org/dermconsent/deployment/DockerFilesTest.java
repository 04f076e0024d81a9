package org.dermconsent.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
	void keycloakImageCarriesTheSmartProviderThatTheRealmUses() throws IOException {
		Map<String, Object> keycloak = section(section(compose(), "services"), "keycloak");
		assertThat(section(keycloak, "build")).containsEntry("context", "..")
				.containsEntry("dockerfile", "docker/Dockerfile.keycloak");
		String dockerfile = Files.readString(DOCKER.resolve("Dockerfile.keycloak"));
		assertThat(dockerfile).containsPattern("(?m)^FROM quay\\.io/keycloak/keycloak:" + java.util.regex.Pattern.quote(
				org.dermconsent.support.KeycloakServer.VERSION) + "$");
		assertThat(dockerfile).contains("keycloak-smart/target/dermconsent-keycloak-smart.jar /opt/keycloak/providers/");
		assertThat(REPOSITORY.resolve("keycloak-smart/src/main/resources/META-INF/services/org.keycloak.protocol.ProtocolMapper"))
				.content().contains("org.dermconsent.keycloak.SmartPatientContextMapper");

		JsonNode launchPatient = byKey(realm().path("clientScopes"), "name").get("launch/patient");
		assertThat(launchPatient.path("protocolMappers")).anySatisfy(mapper ->
				assertThat(mapper.path("protocolMapper").asText()).isEqualTo("dermconsent-smart-patient-context"));
	}

	@Test
	void keycloakRealmHasTheThreeClientsAndTheDemoPatient() throws IOException {
		JsonNode realm = realm();
		assertThat(realm.path("realm").asText()).isEqualTo("dermconsent");
		assertThat(realm.path("enabled").asBoolean()).isTrue();
		Map<String, JsonNode> clients = byKey(realm.path("clients"), "clientId");
		assertThat(clients).containsKeys("ehr", "research-platform", "smart-patient-app");

		JsonNode ehr = clients.get("ehr");
		assertThat(ehr.path("publicClient").asBoolean()).isFalse();
		assertThat(ehr.path("secret").asText()).isEqualTo("ehr-secret");
		assertThat(ehr.path("standardFlowEnabled").asBoolean()).isTrue();
		assertThat(strings(ehr.path("defaultClientScopes"))).anyMatch(scope -> scope.startsWith("user/Consent."));
		assertThat(purposes(ehr)).containsExactly("clinical-care", "care-team-sharing");

		JsonNode research = clients.get("research-platform");
		assertThat(research.path("publicClient").asBoolean()).isFalse();
		assertThat(research.path("secret").asText()).isEqualTo("research-secret");
		assertThat(research.path("serviceAccountsEnabled").asBoolean()).isTrue();
		assertThat(research.path("standardFlowEnabled").asBoolean()).isFalse();
		assertThat(research.path("directAccessGrantsEnabled").asBoolean()).isFalse();
		assertThat(research.path("implicitFlowEnabled").asBoolean()).isFalse();
		assertThat(strings(research.path("defaultClientScopes"))).contains("system/Media.rs")
				.noneMatch(scope -> scope.startsWith("patient/") || scope.startsWith("user/"));
		assertThat(purposes(research)).containsExactly("ai-training", "research", "education");

		JsonNode patientApp = clients.get("smart-patient-app");
		assertThat(patientApp.path("publicClient").asBoolean()).isTrue();
		assertThat(patientApp.path("attributes").path("pkce.code.challenge.method").asText()).isEqualTo("S256");
		assertThat(patientApp.path("directAccessGrantsEnabled").asBoolean()).isFalse();
		assertThat(patientApp.path("implicitFlowEnabled").asBoolean()).isFalse();
		assertThat(strings(patientApp.path("redirectUris"))).isNotEmpty()
				.allSatisfy(uri -> assertThat(uri).doesNotContain("*"))
				// the served patient app: README "For patients: the app", and PatientAppKeycloakIT's fixed port
				.contains("http://127.0.0.1:8080/patient-app/", "http://localhost:8080/patient-app/",
						"http://127.0.0.1:18080/patient-app/");
		assertThat(strings(patientApp.path("optionalClientScopes")))
				.contains("launch/patient", "fhirUser", "patient/Media.rs", "patient/Consent.cruds", "patient/AuditEvent.rs",
						"patient/Binary.r", "patient/QuestionnaireResponse.cr");
		assertThat(patientApp.path("protocolMappers")).anySatisfy(mapper -> {
			assertThat(mapper.path("config").path("user.attribute").asText()).isEqualTo("patient");
			assertThat(mapper.path("config").path("claim.name").asText()).isEqualTo("patient");
			assertThat(mapper.path("config").path("access.token.claim").asText()).isEqualTo("true");
		});

		Map<String, JsonNode> users = byKey(realm.path("users"), "username");
		assertThat(users).containsKey("patient-demo");
		JsonNode patient = users.get("patient-demo");
		assertThat(patient.path("enabled").asBoolean()).isTrue();
		assertThat(strings(patient.path("attributes").path("patient"))).containsExactly("demo-patient-1");
		assertThat(patient.path("credentials")).anySatisfy(credential ->
				assertThat(credential.path("type").asText()).isEqualTo("password"));
	}

	@Test
	void everyRealmClientGetsTheFhirAudienceAndOnlyDeclaredScopes() throws IOException {
		JsonNode realm = realm();
		Map<String, JsonNode> scopes = byKey(realm.path("clientScopes"), "name");
		// listing clientScopes replaces Keycloak's built-in ones: basic (sub) must be declared
		assertThat(scopes).containsKeys("basic", "fhir-audience", "system/Media.rs", "patient/Media.rs", "launch/patient");
		assertThat(scopes.get("basic").path("protocolMappers")).anySatisfy(mapper ->
				assertThat(mapper.path("protocolMapper").asText()).isEqualTo("oidc-sub-mapper"));
		assertThat(scopes.get("fhir-audience").path("protocolMappers")).anySatisfy(mapper -> {
			assertThat(mapper.path("protocolMapper").asText()).isEqualTo("oidc-audience-mapper");
			assertThat(mapper.path("config").path("included.custom.audience").asText()).isEqualTo("dermconsent-fhir");
		});
		scopes.forEach((name, scope) -> {
			if (name.matches("(patient|user|system)/.+|launch/patient")) {
				assertThat(scope.path("attributes").path("include.in.token.scope").asText()).as(name).isEqualTo("true");
			}
		});

		for (JsonNode client : realm.path("clients")) {
			String id = client.path("clientId").asText();
			assertThat(strings(client.path("defaultClientScopes"))).as(id).contains("basic", "fhir-audience");
			assertThat(scopes.keySet()).as("scopes of %s are declared", id)
					.containsAll(strings(client.path("defaultClientScopes")))
					.containsAll(strings(client.path("optionalClientScopes")));
		}

		JsonNode profile = new ObjectMapper().readTree(realm.path("components")
				.path("org.keycloak.userprofile.UserProfileProvider").path(0)
				.path("config").path("kc.user.profile.config").path(0).asText());
		assertThat(strings(profile.path("attributes").findValues("name").stream().toList()))
				.contains("username", "email", "patient", "fhirUser");
		for (JsonNode attribute : profile.path("attributes")) {
			if (List.of("patient", "fhirUser").contains(attribute.path("name").asText())) {
				assertThat(strings(attribute.path("permissions").path("edit"))).as("only admins set %s", attribute.path("name"))
						.containsExactly("admin");
			}
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void serverTrustsTheIssuerKeycloakWritesIntoTokens() throws IOException {
		Map<String, Object> services = section(compose(), "services");
		Map<String, Object> keycloak = section(services, "keycloak");
		String hostname = ((List<Object>) keycloak.get("command")).stream().map(Object::toString)
				.filter(argument -> argument.startsWith("--hostname=")).map(argument -> argument.substring("--hostname=".length()))
				.findFirst().orElseThrow(() -> new AssertionError("Keycloak's --hostname is not pinned"));
		Map<String, Object> environment = section(section(services, "server"), "environment");

		assertThat(environment).containsEntry("DERMCONSENT_SECURITY_ENABLED", "true");
		assertThat(environment.get("DERMCONSENT_SECURITY_ISSUER_URI")).isEqualTo(hostname + "/realms/" + realm().path("realm").asText());
		// the server container resolves the issuer's host to the keycloak service
		String host = URI.create(hostname).getHost();
		if (!host.equals("keycloak")) {
			Map<String, Object> networks = section(keycloak, "networks");
			assertThat((List<Object>) section(networks, "default").get("aliases")).contains(host);
		}
		assertThat(DOCKER.resolve("keycloak").resolve(realm().path("realm").asText() + "-realm.json"))
				.as("Keycloak imports only *-realm.json files").isRegularFile();
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
		// the image runs the layout the README starts, through its launcher: the application jar with lib/ and bin/
		assertThat(dockerfile).contains("server/target/dermconsent ");
		assertThat(dockerfile).containsPattern("(?m)^COPY .*/lib /app/lib$");
		assertThat(dockerfile).containsPattern("(?m)^COPY .*/dermconsent.jar /app/dermconsent.jar$");
		assertThat(dockerfile).containsPattern("(?m)^COPY .*/bin /app/bin$");
		assertThat(dockerfile).containsPattern("(?m)^ENTRYPOINT \\[\"/app/bin/dermconsent\"\\]$");
	}

	@Test
	void theImagesClassArchiveIsMadeForItsFinalJarsAsTheUserThatRunsIt() throws IOException {
		List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
		int runtimeStage = lastIndexMatching(lines, "FROM .*");
		int archive = lastIndexMatching(lines, "RUN /app/bin/dermconsent-prepare");
		assertThat(archive).as("the archive is made in the runtime stage").isGreaterThan(runtimeStage);
		// the launcher leaves out an archive older than the jar, and the JVM one made for other jars
		assertThat(lastIndexMatching(lines, "COPY .* /app/.*")).isLessThan(archive);
		assertThat(lastIndexMatching(lines, "USER .*")).isLessThan(archive);
		assertThat(lastIndexMatching(lines, "ENTRYPOINT .*")).isGreaterThan(archive);
		// the build stage's package would make one for its own JDK and paths: 1.5 minutes for nothing
		assertThat(lines.get(lastIndexMatching(lines, "RUN mvn .* package .*"))).contains("-Ddermconsent.prepare.skip=true");
	}

	private static int lastIndexMatching(List<String> lines, String regex) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			if (lines.get(i).matches(regex)) {
				return i;
			}
		}
		return -1;
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

	private static JsonNode realm() throws IOException {
		return new ObjectMapper().readTree(DOCKER.resolve("keycloak/dermconsent-realm.json").toFile());
	}

	private static Map<String, JsonNode> byKey(JsonNode array, String key) {
		Map<String, JsonNode> entries = new LinkedHashMap<>();
		array.forEach(entry -> entries.put(entry.path(key).asText(), entry));
		return entries;
	}

	private static List<String> strings(JsonNode array) {
		return array.isArray() ? strings(java.util.stream.StreamSupport.stream(array.spliterator(), false).toList()) : List.of();
	}

	private static List<String> strings(List<JsonNode> nodes) {
		return nodes.stream().map(JsonNode::asText).toList();
	}

	private static List<String> purposes(JsonNode client) {
		for (JsonNode mapper : client.path("protocolMappers")) {
			if (mapper.path("config").path("claim.name").asText().equals("purpose_of_use")) {
				assertThat(mapper.path("protocolMapper").asText()).isEqualTo("oidc-hardcoded-claim-mapper");
				assertThat(mapper.path("config").path("jsonType.label").asText()).isEqualTo("JSON");
				try {
					return strings(new ObjectMapper().readTree(mapper.path("config").path("claim.value").asText()));
				} catch (IOException e) {
					throw new AssertionError("purpose_of_use of " + client.path("clientId").asText() + " is not JSON", e);
				}
			}
		}
		throw new AssertionError("no purpose_of_use mapper on " + client.path("clientId").asText());
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
