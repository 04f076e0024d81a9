package org.dermconsent.rest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Refused requests are in the request log, one line each, and not reported as server errors. */
@H2ServerTest
@ExtendWith(OutputCaptureExtension.class)
class RequestLogTest extends FhirApi {

	private final Logger requestLog = (Logger) LoggerFactory.getLogger("dermconsent.access");
	private Level configuredLevel;

	// the tests' logging config keeps the request log quiet; production logs it at INFO
	@BeforeEach
	void showTheRequestLog() {
		configuredLevel = requestLog.getLevel();
		requestLog.setLevel(Level.INFO);
	}

	@AfterEach
	void restoreTheRequestLog() {
		requestLog.setLevel(configuredLevel);
	}

	@Test
	void anUnknownPurposeIsLoggedAsAFailedRequestNotAsAnError(CapturedOutput output) {
		String purpose = "no-such-purpose-" + UUID.randomUUID();
		fhir().header("X-Purpose-Of-Use", purpose).get("/Media?_tag=" + tagQuery()).then().statusCode(400);

		List<String> lines = linesMentioning(output, purpose);
		assertThat(lines).noneMatch(line -> line.contains(" ERROR "));
		assertThat(lines).filteredOn(line -> line.contains("dermconsent.access"))
				.singleElement().asString().contains("INFO", "GET", "failed:");
	}

	@Test
	void anImageRefusedByConsentIsLoggedAsAFailedRequestNotAsAnError(CapturedOutput output) {
		String patient = "Patient/" + fhir().body("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}")
				.post("/Patient").then().statusCode(201).extract().path("id");
		String image = fhir().body(DermJson.media(testTag, patient, "deidentified", null, ""))
				.post("/Media").then().statusCode(201).extract().path("id");

		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + image).then().statusCode(403);

		assertThat(linesMentioning(output, "denied by the patient's image consent")).noneMatch(line -> line.contains(" ERROR "));
		assertThat(linesMentioning(output, "/Media/" + image)).filteredOn(line -> line.contains("dermconsent.access"))
				.singleElement().asString().contains("INFO", "GET", "failed:");
	}

	private static List<String> linesMentioning(CapturedOutput output, String text) {
		return output.getAll().lines().filter(line -> line.contains(text)).toList();
	}
}
