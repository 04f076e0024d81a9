package org.dermconsent.security;

import io.restassured.RestAssured;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * With the identity provider down, the server cannot tell a valid token from a forged one: it says
 * so with 503 (try again), never with 401 (which tells the client to throw its token away). A token
 * that is not even a JWT is still 401. The issuer here is a closed port on this machine; the
 * server's own token validation (no local key) is what runs.
 */
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-idp-outage-test;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.security.enabled=true"
		})
class IdentityProviderOutageTest extends FhirApi {

	@DynamicPropertySource
	static void issuerOnAClosedPort(DynamicPropertyRegistry properties) {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		properties.add("dermconsent.security.issuer-uri", () -> "http://127.0.0.1:" + port + "/realms/dermconsent");
	}

	private static String wellFormedToken() {
		return LocalTokenIssuer.token("outage-client", "system/*.read", Map.of("purpose_of_use", "treatment"));
	}

	@Test
	void aTokenThatCannotBeCheckedIsServiceUnavailable() {
		for (String path : new String[] {"/Patient", "/Media?_count=1", "/Consent/some-id"}) {
			RestAssured.given().baseUri(baseUrl()).accept(FHIR_JSON).auth().oauth2(wellFormedToken())
					.get(path).then()
					.statusCode(503)
					.header("Retry-After", notNullValue())
					.header("WWW-Authenticate", nullValue())
					.body("resourceType", equalTo("OperationOutcome"))
					.body("issue[0].code", equalTo("transient"))
					.body("issue[0].diagnostics", containsString("identity provider"));
		}
	}

	@Test
	void aTokenThatIsNotAJwtIsStillRefusedWith401() {
		RestAssured.given().baseUri(baseUrl()).accept(FHIR_JSON).auth().oauth2("not-a-jwt")
				.get("/Patient").then()
				.statusCode(401)
				.header("WWW-Authenticate", containsString("invalid_token"))
				.body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].diagnostics", not(containsString("identity provider")));
	}

	@Test
	void noTokenIsStill401() {
		RestAssured.given().baseUri(baseUrl()).accept(FHIR_JSON).get("/Patient").then()
				.statusCode(401)
				.body("resourceType", equalTo("OperationOutcome"));
	}
}
