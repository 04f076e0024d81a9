package org.dermconsent.security;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;

/**
 * CORS with security on: a browser sends no token with a preflight, and must be able to read a refusal.
 */
@SecuredServerTest
class SecuredCorsTest extends FhirApi {

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));

	@Test
	void aPreflightNeedsNoToken() {
		server().header("Origin", "http://localhost:8000").header("Access-Control-Request-Method", "GET")
				.header("Access-Control-Request-Headers", "authorization, x-purpose-of-use")
				.options("/fhir/Media").then().statusCode(200)
				.header("Access-Control-Allow-Origin", "http://localhost:8000")
				.header("Access-Control-Allow-Headers", containsString("authorization"));
		server().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
				.header("Access-Control-Request-Headers", "authorization")
				.options("/fhir/Media").then().statusCode(403)
				.header("Access-Control-Allow-Origin", nullValue());
	}

	@Test
	void anAllowedOriginReadsAnswersAndRefusals() {
		fhir().header("Origin", "http://localhost:8000").header("Authorization", "Bearer " + admin)
				.get("/Patient?_count=1").then().statusCode(200)
				.header("Access-Control-Allow-Origin", "http://localhost:8000")
				.header("Access-Control-Expose-Headers", containsString("ETag"));
		// the app must be able to read why it was refused
		fhir().header("Origin", "http://localhost:8000").get("/Patient").then().statusCode(401)
				.header("Access-Control-Allow-Origin", "http://localhost:8000");
	}
}
