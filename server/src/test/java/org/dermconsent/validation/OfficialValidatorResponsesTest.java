package org.dermconsent.validation;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.profiles.OfficialValidator;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermExamples;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the server answers, as an integrator's validator sees it: a fixed scenario (an EHR stores a
 * patient, a consent and a dermoscopic image; a clinician reads and de-identifies it; an AI-training
 * client reads, searches and exports the derivative) and every kind of answer it produces, validated
 * by the official HL7 validator with R4 core and the package ({@link OfficialValidator}, offline).
 * 0 errors; warnings, and what only a terminology server could settle (MIME types, DICOM DMS), are in
 * the report printed at the end. The CapabilityStatement in secure mode is
 * {@link SecuredOfficialValidatorResponsesTest}'s.
 */
@H2ServerTest
class OfficialValidatorResponsesTest extends FhirApi {

	private static OfficialValidator validator;
	private static final List<String> ERRORS = new ArrayList<>();

	@Autowired
	IJobMaintenanceService jobMaintenance;

	@BeforeAll
	static void loadValidator() {
		validator = OfficialValidator.load();
	}

	@AfterAll
	static void printReport() {
		System.out.println(validator.report("Official HL7 validator over the server's answers (R4 core + dermconsent.fhir, no terminology server):"));
	}

	@Test
	void everyKindOfAnswerOfTheScenarioHasNoErrors() throws InterruptedException {
		valid("CapabilityStatement (security off)", fhir().get("/metadata").then().statusCode(200).extract().asString());
		for (String operation : List.of("consent-decision", "image-consent-summary", "deidentify", "dataset-status")) {
			String canonical = "https://dermconsent.org/fhir/OperationDefinition/" + operation;
			// searched by its canonical url: a read by id is answered by HAPI's generated definitions (404)
			valid("OperationDefinition " + operation + " (search Bundle)", fhir().get("/OperationDefinition?url=" + canonical)
					.then().statusCode(200).body("total", org.hamcrest.Matchers.equalTo(1)).extract().asString());
		}

		String patient = create("Patient", DermExamples.read("Patient-derm-example.json").replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"\\s*,", ""));
		create("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		String image = create("Media", DermExamples.read("Media-derm-dermoscopic.json")
				.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"\\s*,", "")
				.replace("\"Patient/derm-example\"", "\"Patient/" + patient + "\""));

		valid("Media as stored (clinical-care read)", fhir().get("/Media/" + image).then().statusCode(200).extract().asString());
		String derivativeJson = fhir().body("{\"resourceType\":\"Parameters\"}").post("/Media/" + image + "/$deidentify")
				.then().statusCode(201).extract().asString();
		valid("$deidentify derivative", derivativeJson);
		String derivative = JsonPath.from(derivativeJson).getString("id");

		String provenances = fhir().get("/Provenance?target=Media/" + derivative).then().statusCode(200).extract().asString();
		valid("search Bundle (Provenance?target=)", provenances);
		String provenance = JsonPath.from(provenances).getString("entry[0].resource.id");
		valid("Provenance of $deidentify", fhir().get("/Provenance/" + provenance).then().statusCode(200).extract().asString());

		valid("Media as served for ai-training (pseudonym subject)",
				aiTraining().get("/Media/" + derivative).then().statusCode(200).extract().asString());
		valid("search Bundle (ai-training Media?_id=)",
				aiTraining().get("/Media?_id=" + derivative).then().statusCode(200).extract().asString());
		valid("history Bundle (Media/{id}/_history)",
				fhir().get("/Media/" + image + "/_history").then().statusCode(200).extract().asString());
		valid("Parameters of $consent-decision", fhir().get("/Media/" + derivative + "/$consent-decision?purpose=ai-training")
				.then().statusCode(200).extract().asString());
		valid("Parameters of $image-consent-summary", fhir().get("/Patient/" + patient + "/$image-consent-summary")
				.then().statusCode(200).extract().asString());

		String status = aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_id=" + derivative)
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
		int lines = 0;
		for (String url : BulkExportRun.outputUrls(jobMaintenance, this::aiTraining, status)) {
			for (String line : aiTraining().accept("application/fhir+ndjson").get(url).then().statusCode(200).extract()
					.asString().lines().filter(l -> !l.isBlank()).toList()) {
				valid("ai-training export NDJSON line " + ++lines, line);
			}
		}
		assertThat(lines).as("exported lines").isPositive();
		String dataset = aiTraining().accept("application/json").get(status).then().statusCode(200).extract()
				.path("extension.dataset");
		valid("dataset List of the export", aiTraining().get("/" + dataset).then().statusCode(200).extract().asString());
		valid("Parameters of $dataset-status", aiTraining().get("/" + dataset + "/$dataset-status").then().statusCode(200)
				.extract().asString());

		JsonPath events = awaitAuditEvents(patient);
		for (int i = 0; i < events.getList("entry").size(); i++) {
			String id = events.getString("entry[" + i + "].resource.id");
			valid("AuditEvent " + (i + 1) + " of the disclosures",
					fhir().get("/AuditEvent/" + id).then().statusCode(200).extract().asString());
		}

		assertThat(ERRORS).as("errors of the official validator (see the report)").isEmpty();
	}

	/** Validates one answer; its errors are gathered, so that one run reports them all. */
	private static void valid(String what, String json) {
		ERRORS.addAll(errors(validator, what, json));
	}

	static List<String> errors(OfficialValidator validator, String what, String json) {
		List<ValidationMessage> messages = validator.validate(what, json);
		return OfficialValidator.errors(messages).stream()
				.map(m -> what + ": " + m.getLocation() + ": " + m.getMessage()).toList();
	}

	/** The disclosures to ai-training (read, search, export) are stored off the request path. */
	private JsonPath awaitAuditEvents(String patient) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			JsonPath events = fhir().get("/AuditEvent?patient=Patient/" + patient).then().statusCode(200).extract().jsonPath();
			if (events.getInt("total") >= 3 || System.nanoTime() > deadline) {
				assertThat(events.getList("entry")).as("AuditEvents of the disclosures").isNotEmpty();
				return events;
			}
			Thread.sleep(200);
		}
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
