package org.dermconsent.research;

import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A research platform's export finishes on the server's own schedule, with nobody running HAPI's
 * maintenance passes for it (the other export tests do, to be quick): its four steps each wait for the
 * next pass, which came once a minute by HAPI's default, so a one-image export took about four minutes.
 * Every 5 s now; the bound leaves room for a slow machine and is still far below four minutes.
 */
@H2ServerTest
class ExportOnTheServersScheduleTest extends FhirApi {

	private static final Duration WITHIN = Duration.ofSeconds(90);

	@Test
	void aSmallExportCompletesWithoutForcedMaintenancePasses() throws InterruptedException {
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		String image = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));

		Instant kickoff = Instant.now();
		String status = aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery())
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
		List<String> files = BulkExportRun.outputUrlsOnTheServersSchedule(this::aiTraining, status, WITHIN);
		System.out.println("export of one image on the server's own schedule: " + Duration.between(kickoff, Instant.now()).toMillis() + " ms");

		assertThat(files).hasSize(1);
		String ndjson = aiTraining().accept("application/fhir+ndjson").get(files.get(0)).then().statusCode(200).extract().asString();
		assertThat(ndjson.lines().filter(line -> !line.isBlank()).toList()).hasSize(1).allMatch(line -> line.contains("\"id\":\"" + image + "\""));
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}
}
