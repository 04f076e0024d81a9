package org.dermconsent.rest;

import io.restassured.response.Response;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Browser apps on the embedded default's origins (any port of localhost and 127.0.0.1) may call the server; others may not. */
@H2ServerTest
class CorsTest extends FhirApi {

	@Test
	void aPreflightFromALocalAppIsAnswered() {
		preflight("http://localhost:3000", "PUT", "content-type, if-match, x-purpose-of-use, prefer")
				.then().statusCode(200)
				.header("Access-Control-Allow-Origin", "http://localhost:3000")
				.header("Access-Control-Allow-Methods", containsString("PUT"))
				.header("Access-Control-Allow-Headers", containsStringIgnoringCase("x-purpose-of-use"))
				.header("Access-Control-Allow-Headers", containsStringIgnoringCase("if-match"));
	}

	@Test
	void aLocalAppReadsTheHeadersItNeeds() {
		Response created = fhir().header("Origin", "http://127.0.0.1:5173")
				.body("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}").post("/Patient");
		created.then().statusCode(201).header("Access-Control-Allow-Origin", "http://127.0.0.1:5173");
		String exposed = created.header("Access-Control-Expose-Headers");
		assertThat(exposed).isNotNull();
		assertThat(exposed.toLowerCase().split("\\s*,\\s*"))
				.contains("location", "content-location", "etag", "x-progress", "retry-after");
	}

	@Test
	void anotherOriginIsRefused() {
		preflight("https://evil.example", "GET", "x-purpose-of-use")
				.then().statusCode(403)
				.header("Access-Control-Allow-Origin", nullValue())
				.body("resourceType", equalTo("OperationOutcome"));
		// a port-like suffix that is a different host is not a local origin
		preflight("http://localhost:3000.evil.example", "GET", "x-purpose-of-use")
				.then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());
		fhir().header("Origin", "https://evil.example").get("/metadata")
				.then().header("Access-Control-Allow-Origin", nullValue());
	}

	private Response preflight(String origin, String method, String headers) {
		return server().header("Origin", origin).header("Access-Control-Request-Method", method)
				.header("Access-Control-Request-Headers", headers).options("/fhir/Patient");
	}
}
