package org.dermconsent.security;

import com.sun.net.httpserver.HttpServer;
import io.restassured.path.json.JsonPath;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * SMART clients are sent to the endpoints the issuer publishes in its OpenID metadata, not to paths
 * guessed from Keycloak's conventions. The issuer here is a plain HTTP server on this machine that
 * publishes endpoints where Keycloak would not put them; the metadata is fetched once and kept.
 */
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-issuer-discovery;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.security.enabled=true"
		})
class IssuerDiscoveryTest extends FhirApi {

	private static final AtomicInteger metadataRequests = new AtomicInteger();
	private static final HttpServer issuerServer = startIssuer();

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		registry.add("dermconsent.security.issuer-uri", IssuerDiscoveryTest::issuer);
	}

	@AfterAll
	static void stopIssuer() {
		issuerServer.stop(0);
	}

	@Test
	void endpointsComeFromTheIssuersMetadata() {
		JsonPath smart = fhir().get("/.well-known/smart-configuration").then().statusCode(200).extract().jsonPath();
		assertThat(smart.getString("issuer")).isEqualTo(issuer());
		assertThat(smart.getString("authorization_endpoint")).isEqualTo(base() + "/sso/authorize");
		assertThat(smart.getString("token_endpoint")).isEqualTo(base() + "/sso/token");
		assertThat(smart.getString("jwks_uri")).isEqualTo(base() + "/sso/keys");
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].security.extension[0].extension.find { it.url == 'authorize' }.valueUri", equalTo(base() + "/sso/authorize"))
				.body("rest[0].security.extension[0].extension.find { it.url == 'token' }.valueUri", equalTo(base() + "/sso/token"));
		fhir().get("/.well-known/smart-configuration").then().statusCode(200);
		assertThat(metadataRequests.get()).as("metadata fetches").isEqualTo(1);
	}

	private static String base() {
		return "http://127.0.0.1:" + issuerServer.getAddress().getPort();
	}

	private static String issuer() {
		return base() + "/realms/elsewhere";
	}

	private static HttpServer startIssuer() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/realms/elsewhere/.well-known/openid-configuration", exchange -> {
				metadataRequests.incrementAndGet();
				String base = "http://127.0.0.1:" + exchange.getLocalAddress().getPort();
				byte[] body = ("{\"issuer\":\"" + base + "/realms/elsewhere\","
						+ "\"authorization_endpoint\":\"" + base + "/sso/authorize\","
						+ "\"token_endpoint\":\"" + base + "/sso/token\","
						+ "\"jwks_uri\":\"" + base + "/sso/keys\"}").getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
