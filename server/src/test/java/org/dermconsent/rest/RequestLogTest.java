package org.dermconsent.rest;

import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.dermconsent.support.RequestLogAtInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Refused requests are in the request log, one line each, and not reported as server errors. */
@H2ServerTest
@ExtendWith({OutputCaptureExtension.class, RequestLogAtInfo.class})
class RequestLogTest extends FhirApi {

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
