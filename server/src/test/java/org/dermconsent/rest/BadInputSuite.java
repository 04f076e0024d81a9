package org.dermconsent.rest;

import io.restassured.response.ValidatableResponse;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Bad requests get a 4xx with an OperationOutcome that says what is wrong, never a 500, and never
 * leave part of the request written.
 */
abstract class BadInputSuite extends FhirApi {

	@Test
	void malformedJsonIsRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\",").post("/Patient").then(), 400)
				.body("issue[0].diagnostics", containsString("Failed to parse"));
	}

	@Test
	void wrongValueTypeIsRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\",\"birthDate\":12}").post("/Patient").then(), 400);
	}

	@Test
	void emptyBodyIsRejected() {
		expectOutcome(fhir().body("").post("/Patient").then(), 400);
	}

	@Test
	void unknownResourceTypeIsRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Spaceship\"}").post("/Spaceship").then(), 404)
				.body("issue[0].diagnostics", containsString("Unknown resource type 'Spaceship'"));
		expectOutcome(fhir().get("/Spaceship/1").then(), 404);
	}

	@Test
	void resourceTypesOutsideDermConsentAreNotServed() {
		expectOutcome(fhir().get("/Observation").then(), 404);
	}

	@Test
	void nonFhirContentTypeIsRejected() {
		expectOutcome(fhir().contentType("text/plain").body("hello").post("/Patient").then(), 400)
				.body("issue[0].diagnostics", containsString("Content-Type"));
	}

	@Test
	void oversizedBodyIsRejectedBeforeParsing() {
		byte[] body = new byte[1024 * 1024 + 1];
		Arrays.fill(body, (byte) ' ');
		expectOutcome(fhir().body(body).post("/Patient").then(), 413)
				.body("issue[0].code", equalTo("too-long"));
	}

	@Test
	void oversizedChunkedBodyIsRejected() {
		byte[] padding = new byte[1024 * 1024 + 10];
		Arrays.fill(padding, (byte) ' ');
		byte[] body = ("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "," + new String(padding) + "\"active\":true}").getBytes();
		// an InputStream body has no known length, so it is sent chunked
		expectOutcome(fhir().body(new ByteArrayInputStream(body)).post("/Patient").then(), 413);
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void invalidIdsAreRejected() {
		expectOutcome(fhir().get("/Patient/not$an$id").then(), 400);
		expectOutcome(fhir().get("/Patient/" + "a".repeat(65)).then(), 400);

		// a body id that differs from the URL's: refused, and neither id (nor the tagged body) is stored
		String urlId = "this-one-" + testTag;
		String bodyId = "other-" + testTag;
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\",\"id\":\"" + bodyId + "\"," + metaWithTestTag() + "}")
				.put("/Patient/" + urlId).then(), 400)
				.body("issue[0].diagnostics", containsString("does not match"));
		expectOutcome(fhir().get("/Patient/" + urlId).then(), 404);
		expectOutcome(fhir().get("/Patient/" + bodyId).then(), 404);
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void unknownSearchParameterIsRejected() {
		expectOutcome(fhir().get("/Media?no-such-param=1").then(), 400);
	}

	@Test
	void failedTransactionWritesNothing() {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:11111111-1111-1111-1111-111111111111\","
				+ "\"resource\":{\"resourceType\":\"Patient\"," + metaWithTestTag() + "},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"resource\":{\"resourceType\":\"Media\"," + metaWithTestTag() + ",\"status\":\"completed\","
				+ "\"subject\":{\"reference\":\"Patient/does-not-exist-" + testTag + "\"},"
				+ "\"content\":{\"contentType\":\"image/jpeg\",\"data\":\"AAEC\"}},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";

		ValidatableResponse response = fhir().body(bundle).post("/").then();
		response.statusCode(org.hamcrest.Matchers.allOf(
				org.hamcrest.Matchers.greaterThanOrEqualTo(400), org.hamcrest.Matchers.lessThan(500)));
		response.body("resourceType", equalTo("OperationOutcome"));

		fhir().get("/Patient?_tag=" + tagQuery()).then().body("total", equalTo(0));
		fhir().get("/Media?_tag=" + tagQuery()).then().body("total", equalTo(0));
	}

	private static ValidatableResponse expectOutcome(ValidatableResponse response, int status) {
		return response.statusCode(status)
				.body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].severity", equalTo("error"));
	}
}
