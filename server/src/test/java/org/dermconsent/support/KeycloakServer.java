package org.dermconsent.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak, started once per JVM from the distribution that {@code -Pkeycloak} unpacks into
 * {@code target/keycloak}, with the project's realm ({@code docker/keycloak/dermconsent-realm.json}).
 * Loopback only, fixed ports (8180 HTTP, 9180 management), in-memory database, and a pinned hostname
 * so that the token issuer is always {@link #ISSUER}. Stopped by a JVM shutdown hook, or earlier by
 * {@link KeycloakServerExtension} when the test plan ends.
 *
 * <p>Also a small OAuth client: client credentials, password grant and authorization code + PKCE
 * (the login form is filled in over HTTP, and the code is read from the redirect's Location header,
 * so no listener is needed on the redirect URI).
 */
public final class KeycloakServer {

	public static final String VERSION = "26.7.3";
	public static final String BASE_URL = "http://127.0.0.1:8180";
	public static final String REALM = "dermconsent";
	public static final String ISSUER = BASE_URL + "/realms/" + REALM;
	public static final String AUDIENCE = "dermconsent-fhir";
	public static final String TOKEN_ENDPOINT = ISSUER + "/protocol/openid-connect/token";
	public static final String AUTHORIZATION_ENDPOINT = ISSUER + "/protocol/openid-connect/auth";
	public static final String JWKS_URI = ISSUER + "/protocol/openid-connect/certs";
	public static final String READY_URL = "http://127.0.0.1:9180/health/ready";

	public static final String EHR = "ehr";
	public static final String EHR_SECRET = "ehr-secret";
	public static final String RESEARCH_PLATFORM = "research-platform";
	public static final String RESEARCH_SECRET = "research-secret";
	public static final String SMART_PATIENT_APP = "smart-patient-app";
	public static final String SMART_REDIRECT_URI = "http://127.0.0.1:8765/callback";
	public static final String PATIENT_USER = "patient-demo";
	public static final String PATIENT_PASSWORD = "patient-demo";
	public static final String PATIENT_ID = "demo-patient-1";
	public static final String CLINICIAN_USER = "clinician-demo";
	public static final String CLINICIAN_PASSWORD = "clinician-demo";

	/** Its first start builds the server (about a minute alone, several on a loaded machine). */
	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(900);
	private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
	private static final String HEAP = "-Xms64m -Xmx512m";
	private static final List<String> START_ARGS = List.of("start-dev", "--import-realm",
			"--http-host=127.0.0.1", "--http-port=8180", "--http-management-port=9180",
			"--hostname=" + BASE_URL, "--db=dev-mem", "--cache=local", "--health-enabled=true");

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final SecureRandom RANDOM = new SecureRandom();
	private static final Pattern LOGIN_FORM = Pattern.compile("<form\\b[^>]*\\bid=\"kc-form-login\"[^>]*>", Pattern.CASE_INSENSITIVE);
	private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
	private static final Pattern FEEDBACK = Pattern.compile("(?s)<(?:span|div)[^>]*(?:kc-feedback-text|input-error|alert)[^>]*>(.*?)</(?:span|div)>");

	private static KeycloakServer instance;

	private final Path home;
	private final Path log;
	private final Process process;
	private volatile Duration startupTime;
	private final HttpClient http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	private volatile boolean stopped;

	private KeycloakServer(Path home, Path log, Process process) {
		this.home = home;
		this.log = log;
		this.process = process;
	}

	/** The running Keycloak, started on first use (about 20-60 s). */
	public static synchronized KeycloakServer get() {
		if (instance == null || instance.stopped) {
			instance = start();
			KeycloakServer started = instance;
			Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "keycloak-stop"));
		}
		return instance;
	}

	private static KeycloakServer start() {
		Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-" + VERSION)).toAbsolutePath().normalize();
		Path realm = Path.of(System.getProperty("keycloak.realm", "../docker/keycloak/dermconsent-realm.json")).toAbsolutePath().normalize();
		Path kcSh = home.resolve("bin/kc.sh");
		if (!Files.isRegularFile(kcSh)) {
			throw new IllegalStateException("No Keycloak distribution at " + home + ": run Maven with -Pkeycloak "
					+ "(it unpacks org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip into target/keycloak)");
		}
		if (!Files.isRegularFile(realm)) {
			throw new IllegalStateException("No realm export at " + realm);
		}
		requireFree(8180);
		requireFree(9180);
		try {
			Path imports = home.resolve("data/import");
			Files.createDirectories(imports);
			try (Stream<Path> old = Files.list(imports)) {
				for (Path file : old.toList()) {
					Files.deleteIfExists(file);
				}
			}
			Files.copy(realm, imports.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);

			Path log = home.getParent().resolve("keycloak.log");
			List<String> command = new ArrayList<>(List.of("bash", kcSh.toString()));
			command.addAll(START_ARGS);
			ProcessBuilder builder = new ProcessBuilder(command)
					.directory(home.toFile())
					.redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
			Map<String, String> environment = builder.environment();
			// every KC_* variable is a Keycloak option; JAVA_OPTS would replace kc.sh's defaults
			environment.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("KEYCLOAK_")
					|| name.equals("JAVA_OPTS") || name.equals("JAVA_OPTS_KC_HEAP"));
			environment.put("JAVA_OPTS_APPEND", "-Dliquibase.analytics.enabled=false " + HEAP);

			long begin = System.nanoTime();
			Process process = builder.start();
			KeycloakServer server = new KeycloakServer(home, log, process);
			server.startupTime = server.awaitReady(begin);
			return server;
		} catch (IOException e) {
			throw new UncheckedIOException("cannot start Keycloak from " + home, e);
		}
	}

	private Duration awaitReady(long begin) {
		long deadline = begin + STARTUP_TIMEOUT.toNanos();
		HttpRequest ready = HttpRequest.newBuilder(URI.create(READY_URL)).timeout(Duration.ofSeconds(2)).GET().build();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting; log "
						+ log + ":\n" + logTail(40));
			}
			try {
				HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200 && response.body().contains("UP")) {
					return Duration.ofNanos(System.nanoTime() - begin);
				}
			} catch (IOException e) {
				// not listening yet
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				stop();
				throw new IllegalStateException("interrupted while waiting for Keycloak", e);
			}
			sleep(POLL_INTERVAL);
		}
		stop();
		throw new IllegalStateException("Keycloak not ready within " + STARTUP_TIMEOUT.toSeconds() + " s; log " + log
				+ ":\n" + logTail(40));
	}

	/** Stops Keycloak (SIGTERM, which kc.sh forwards to its JVM; SIGKILL after 30 s). Idempotent. */
	public synchronized void stop() {
		if (stopped) {
			return;
		}
		stopped = true;
		List<ProcessHandle> children = process.descendants().toList();
		process.destroy();
		children.forEach(ProcessHandle::destroy);
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && (process.isAlive() || children.stream().anyMatch(ProcessHandle::isAlive))) {
			sleep(Duration.ofMillis(200));
		}
		children.forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	public boolean isRunning() {
		return !stopped && process.isAlive();
	}

	/** Wall time from launching kc.sh to the first UP from /health/ready. */
	public Duration startupTime() {
		return startupTime;
	}

	/** Resident set size of Keycloak's JVM in KiB (Linux /proc), if it can be read. */
	public Optional<Long> residentKiB() {
		List<ProcessHandle> candidates = new ArrayList<>(process.descendants().toList());
		candidates.add(process.toHandle());
		long best = -1;
		for (ProcessHandle handle : candidates) {
			Path status = Path.of("/proc", Long.toString(handle.pid()), "status");
			try {
				for (String line : Files.readAllLines(status)) {
					if (line.startsWith("VmRSS:")) {
						best = Math.max(best, Long.parseLong(line.replaceAll("\\D", "")));
					}
				}
			} catch (IOException | NumberFormatException e) {
				// gone or not Linux
			}
		}
		return best < 0 ? Optional.empty() : Optional.of(best);
	}

	public Path home() {
		return home;
	}

	public Path log() {
		return log;
	}

	// ---------------------------------------------------------------- tokens

	/** Client credentials grant (client_secret_post); {@code scopes} may be empty for the client's defaults. */
	public Tokens clientCredentials(String clientId, String secret, String... scopes) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "client_credentials");
		form.put("client_id", clientId);
		form.put("client_secret", secret);
		putScope(form, scopes);
		return tokens(form);
	}

	/** Resource owner password grant (only the {@code ehr} client allows it, for tests). */
	public Tokens password(String clientId, String secret, String username, String password, String... scopes) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "password");
		form.put("client_id", clientId);
		if (secret != null) {
			form.put("client_secret", secret);
		}
		form.put("username", username);
		form.put("password", password);
		putScope(form, scopes);
		return tokens(form);
	}

	/**
	 * Authorization code + PKCE (S256) as a browser would do it: GET the authorization endpoint, fill in
	 * Keycloak's login form with the session cookies, read {@code code} from the Location header of the
	 * redirect to {@code redirectUri} (nothing listens there), and exchange it with the code verifier.
	 * {@code clientSecret} is null for public clients.
	 */
	public Tokens authorizationCodeWithPkce(String clientId, String clientSecret, String redirectUri,
			String username, String password, String... scopes) {
		String verifier = randomUrlSafe(48);
		String state = randomUrlSafe(16);
		HttpClient browser = HttpClient.newBuilder()
				.connectTimeout(Duration.ofSeconds(5))
				.followRedirects(HttpClient.Redirect.NEVER)
				.cookieHandler(new LoopbackCookieJar())
				.build();

		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", clientId);
		query.put("redirect_uri", redirectUri);
		query.put("scope", String.join(" ", scopes));
		query.put("state", state);
		query.put("nonce", randomUrlSafe(16));
		query.put("code_challenge", s256(verifier));
		query.put("code_challenge_method", "S256");
		HttpResponse<String> page = send(browser, HttpRequest.newBuilder(URI.create(AUTHORIZATION_ENDPOINT + "?" + form(query))).GET());
		if (page.statusCode() != 200) {
			String redirect = page.headers().firstValue("Location").orElse("");
			throw new IllegalStateException("authorization endpoint answered " + page.statusCode() + " "
					+ (redirect.isEmpty() ? feedback(page.body()) : URLDecoder.decode(redirect, StandardCharsets.UTF_8)));
		}
		String action = loginFormAction(page.body());

		Map<String, String> credentials = new LinkedHashMap<>();
		credentials.put("username", username);
		credentials.put("password", password);
		credentials.put("credentialId", "");
		HttpResponse<String> login = send(browser, HttpRequest.newBuilder(URI.create(action))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form(credentials))));
		String location = login.headers().firstValue("Location").orElse(null);
		if (login.statusCode() != 302 || location == null || !location.startsWith(redirectUri)) {
			throw new IllegalStateException("login did not redirect to " + redirectUri + " (status " + login.statusCode()
					+ ", Location " + location + "): " + feedback(login.body()));
		}
		Map<String, String> callback = parseQuery(URI.create(location).getRawQuery());
		if (callback.containsKey("error")) {
			throw new IllegalStateException("authorization failed: " + callback);
		}
		if (!state.equals(callback.get("state"))) {
			throw new IllegalStateException("state mismatch in " + location);
		}
		String code = callback.get("code");
		if (code == null) {
			throw new IllegalStateException("no code in " + location);
		}

		Map<String, String> exchange = new LinkedHashMap<>();
		exchange.put("grant_type", "authorization_code");
		exchange.put("code", code);
		exchange.put("redirect_uri", redirectUri);
		exchange.put("client_id", clientId);
		if (clientSecret != null) {
			exchange.put("client_secret", clientSecret);
		}
		exchange.put("code_verifier", verifier);
		return tokens(exchange);
	}

	/** The authorization endpoint's raw answer to a code request without code_challenge. */
	public HttpResponse<String> authorizationRequestWithoutPkce(String clientId, String redirectUri, String... scopes) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", clientId);
		query.put("redirect_uri", redirectUri);
		query.put("scope", String.join(" ", scopes));
		query.put("state", randomUrlSafe(16));
		return send(http, HttpRequest.newBuilder(URI.create(AUTHORIZATION_ENDPOINT + "?" + form(query))).GET());
	}

	/** The token endpoint's raw answer to a form, for tests of refusals. */
	public HttpResponse<String> tokenRequest(Map<String, String> form) {
		return send(http, HttpRequest.newBuilder(URI.create(TOKEN_ENDPOINT))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(form(form))));
	}

	private Tokens tokens(Map<String, String> form) {
		HttpResponse<String> response = tokenRequest(form);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("token endpoint answered " + response.statusCode() + " for grant "
					+ form.get("grant_type") + " of " + form.get("client_id") + ": " + response.body());
		}
		try {
			return new Tokens(JSON.readTree(response.body()));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** A token endpoint response. */
	public record Tokens(JsonNode response) {
		public String accessToken() {
			return response.path("access_token").asText(null);
		}

		public String idToken() {
			return response.path("id_token").asText(null);
		}

		public String refreshToken() {
			return response.path("refresh_token").asText(null);
		}

		/** The {@code scope} of the token response (space separated). */
		public String scope() {
			return response.path("scope").asText("");
		}

		public JsonNode accessClaims() {
			return claims(accessToken());
		}

		public JsonNode idClaims() {
			return claims(idToken());
		}
	}

	/** The decoded payload of a JWT (no signature check: that is the server's job). */
	public static JsonNode claims(String jwt) {
		return decodePart(jwt, 1);
	}

	/** The decoded JOSE header of a JWT. */
	public static JsonNode header(String jwt) {
		return decodePart(jwt, 0);
	}

	private static JsonNode decodePart(String jwt, int index) {
		if (jwt == null) {
			throw new IllegalArgumentException("no token");
		}
		String[] parts = jwt.split("\\.");
		if (parts.length < 2) {
			throw new IllegalArgumentException("not a JWS compact serialization");
		}
		try {
			return JSON.readTree(Base64.getUrlDecoder().decode(parts[index]));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Space-separated scope claim as a list. */
	public static List<String> scopes(JsonNode claims) {
		String scope = claims.path("scope").asText("");
		return scope.isBlank() ? List.of() : List.of(scope.trim().split("\\s+"));
	}

	// ---------------------------------------------------------------- plumbing

	/**
	 * The cookies of one login, all from one host. Not java.net.CookieManager: it withholds
	 * {@code Secure} cookies on plain http, which Keycloak sets even on loopback (browsers send them
	 * there, since loopback is a secure context).
	 */
	private static final class LoopbackCookieJar extends CookieHandler {
		private final Map<String, String> cookies = new LinkedHashMap<>();

		@Override
		public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
			if (cookies.isEmpty()) {
				return Map.of();
			}
			String header = cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
			return Map.of("Cookie", List.of(header));
		}

		@Override
		public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
			responseHeaders.forEach((name, values) -> {
				if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
					values.forEach(this::store);
				}
			});
		}

		private void store(String setCookie) {
			String[] attributes = setCookie.split(";");
			int equals = attributes[0].indexOf('=');
			if (equals <= 0) {
				return;
			}
			String name = attributes[0].substring(0, equals).trim();
			String value = attributes[0].substring(equals + 1).trim();
			boolean expired = value.isEmpty();
			for (int i = 1; i < attributes.length; i++) {
				String attribute = attributes[i].trim().toLowerCase(java.util.Locale.ROOT);
				if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970") || attribute.startsWith("expires=thu, 01-jan-1970")) {
					expired = true;
				}
			}
			if (expired) {
				cookies.remove(name);
			} else {
				cookies.put(name, value);
			}
		}
	}

	private static void putScope(Map<String, String> form, String... scopes) {
		if (scopes.length > 0) {
			form.put("scope", String.join(" ", scopes));
		}
	}

	static String loginFormAction(String html) {
		Matcher formTag = LOGIN_FORM.matcher(html);
		if (!formTag.find()) {
			throw new IllegalStateException("no Keycloak login form (kc-form-login) in the page: " + feedback(html));
		}
		Matcher action = ACTION.matcher(formTag.group());
		if (!action.find()) {
			throw new IllegalStateException("login form without action: " + formTag.group());
		}
		return unescapeHtml(action.group(1));
	}

	private static String unescapeHtml(String text) {
		return text.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
				.replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">");
	}

	private static String feedback(String html) {
		if (html == null) {
			return "";
		}
		Matcher matcher = FEEDBACK.matcher(html);
		List<String> messages = new ArrayList<>();
		while (matcher.find()) {
			String text = matcher.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim();
			if (!text.isEmpty()) {
				messages.add(unescapeHtml(text));
			}
		}
		if (!messages.isEmpty()) {
			return String.join(" | ", messages);
		}
		Matcher title = Pattern.compile("(?s)<title>(.*?)</title>").matcher(html);
		return title.find() ? "page " + title.group(1).trim() : abbreviate(html);
	}

	private static String abbreviate(String text) {
		return text.length() <= 500 ? text : text.substring(0, 500) + "...";
	}

	private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
		try {
			return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	static String form(Map<String, String> fields) {
		return fields.entrySet().stream()
				.map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
	}

	private static Map<String, String> parseQuery(String rawQuery) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (rawQuery == null) {
			return parameters;
		}
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			String name = equals < 0 ? pair : pair.substring(0, equals);
			String value = equals < 0 ? "" : pair.substring(equals + 1);
			parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return parameters;
	}

	private static String randomUrlSafe(int bytes) {
		byte[] random = new byte[bytes];
		RANDOM.nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	static String s256(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void requireFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		} catch (IOException e) {
			throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (a Keycloak left running?): "
					+ "the test Keycloak needs 8180 and 9180", e);
		}
	}

	private String logTail(int lines) {
		try {
			List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		} catch (IOException | UncheckedIOException e) {
			return "(no log: " + e.getMessage() + ")";
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
