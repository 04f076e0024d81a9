package org.dermconsent.support;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.util.UUID;

/** Base for tests that talk to the running server over HTTP, as a client would. */
public abstract class FhirApi {

	public static final String FHIR_JSON = "application/fhir+json";

	@LocalServerPort
	protected int port;

	/** A tag unique to one test, so tests sharing a database never see each other's resources. */
	protected String testTag;

	@BeforeEach
	void pointRestAssuredAtServer() {
		RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
		testTag = "t-" + UUID.randomUUID();
	}

	protected String baseUrl() {
		return "http://127.0.0.1:" + port + "/fhir";
	}

	protected RequestSpecification fhir() {
		return RestAssured.given().baseUri(baseUrl()).accept(FHIR_JSON).contentType(FHIR_JSON);
	}

	/** A request to the FHIR base with no preset content negotiation (for raw bytes). */
	protected RequestSpecification raw() {
		return RestAssured.given().baseUri(baseUrl()).config(RestAssured.config().encoderConfig(
				EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)));
	}

	protected RequestSpecification server() {
		return RestAssured.given().baseUri("http://127.0.0.1:" + port);
	}

	/** A meta.tag element that marks a resource as belonging to the current test. */
	protected String metaWithTestTag() {
		return "\"meta\":{\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag + "\"}]}";
	}

	protected String tagQuery() {
		return "urn:dermconsent:test|" + testTag;
	}
}
