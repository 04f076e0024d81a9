package org.dermconsent.security;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** Bulk data with SMART tokens: system read scopes export, and the files belong to the client that asked. */
@SecuredServerTest
class SecuredBulkExportTest extends FhirApi {

	private static final Map<String, Object> TRAINING = Map.of("purpose_of_use", List.of("ai-training"));

	@Autowired
	IJobMaintenanceService jobMaintenance;

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
	private final String labA = LocalTokenIssuer.token("lab-a", "system/*.rs", TRAINING);
	private final String labB = LocalTokenIssuer.token("lab-b", "system/*.rs", TRAINING);

	private String derivative;
	private String derivativeBytes;

	/** A patient who allows de-identified AI training: a photo, and a de-identified derivative with its bytes. */
	@BeforeEach
	void patientWhoAllowsDeidentifiedTraining() {
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		String photo = create("Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		derivativeBytes = create("Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"image/jpeg\",\"data\":\""
				+ Base64.getEncoder().encodeToString(TestImages.jpeg(8, 8)) + "\"}");
		derivative = create("Media", DermJson.media(testTag, patient, "deidentified", "Binary/" + derivativeBytes,
				DermJson.derivedFrom("Media/" + photo)));
	}

	@Test
	void aSystemReadScopeStartsPollsAndDownloadsAnExport() throws InterruptedException {
		List<String> urls = BulkExportRun.outputUrls(jobMaintenance, () -> training(labA), startExport(labA, "Media"));

		assertThat(urls).hasSize(1);
		String ndjson = training(labA).accept("application/fhir+ndjson").get(urls.get(0)).then().statusCode(200)
				.extract().asString();
		assertThat(ndjson).contains("\"id\":\"" + derivative + "\"").doesNotContain(DermJson.GRANTED_USE);
	}

	@Test
	void aTypedScopeExportsOnlyItsType() throws InterruptedException {
		String mediaOnly = LocalTokenIssuer.token("lab-a", "system/Media.rs system/Binary.rs", TRAINING);

		// Patient alone is refused for a secondary use anyway (400); with Media, the scope decides
		training(mediaOnly).header("Prefer", "respond-async").queryParam("_type", "Media,Patient")
				.get("/$export").then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		List<String> urls = BulkExportRun.outputUrls(jobMaintenance, () -> training(mediaOnly), startExport(mediaOnly, "Media"));
		training(mediaOnly).accept("application/fhir+ndjson").get(urls.get(0)).then().statusCode(200);
	}

	@Test
	void typedScopesExportTheirTypesTogether() throws InterruptedException {
		String mediaAndPatients = LocalTokenIssuer.token("lab-a", "system/Media.rs system/Patient.rs system/Binary.rs", TRAINING);

		List<String> urls = BulkExportRun.outputUrls(jobMaintenance, () -> training(mediaAndPatients),
				startExport(mediaAndPatients, "Media,Patient"));
		assertThat(urls).isNotEmpty();
	}

	/** A secondary-use export carries each image's bytes inline: a Media scope alone must not take what Binary reads refuse. */
	@Test
	void aSecondaryUseExportOfImagesNeedsAScopeForTheirBytes() throws InterruptedException {
		String mediaOnly = LocalTokenIssuer.token("lab-a", "system/Media.rs", TRAINING);
		for (String types : new String[] {"Media", "Media,Patient"}) {
			training(mediaOnly).header("Prefer", "respond-async").queryParam("_type", types)
					.queryParam("_typeFilter", "Media?_tag=" + tagQuery()).get("/$export").then().statusCode(403)
					.body("resourceType", equalTo("OperationOutcome"))
					.body("issue[0].diagnostics", org.hamcrest.Matchers.containsString("Binary"));
		}
		training(mediaOnly).header("Prefer", "respond-async").get("/$export").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		// clinical care exports Media without their bytes inline: the Media scope is enough
		String careMediaOnly = LocalTokenIssuer.token("clinic", "system/Media.rs", Map.of("purpose_of_use", List.of("clinical-care")));
		as(careMediaOnly).header("X-Purpose-Of-Use", "clinical-care").header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery()).get("/$export").then().statusCode(202);

		String withBytes = LocalTokenIssuer.token("lab-a", "system/Media.rs system/Binary.rs", TRAINING);
		List<String> urls = BulkExportRun.outputUrls(jobMaintenance, () -> training(withBytes), startExport(withBytes, "Media"));
		String ndjson = training(withBytes).accept("application/fhir+ndjson").get(urls.get(0)).then().statusCode(200)
				.extract().asString();
		assertThat(ndjson).contains("\"id\":\"" + derivative + "\"").contains("\"data\":");
	}

	@Test
	void theFilesAndStatusAreForTheClientThatStartedTheJobOnly() throws InterruptedException {
		String status = startExport(labA, "Media");
		List<String> urls = BulkExportRun.outputUrls(jobMaintenance, () -> training(labA), status);
		String file = BulkExportRun.fileId(urls.get(0));

		training(labB).accept("application/json").get(status).then().statusCode(403);
		training(labB).accept("application/json").delete(status).then().statusCode(403);
		training(labA).accept("application/json").get(status).then().statusCode(200);

		training(labB).get("/Binary/" + file).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		training(labB).accept("application/fhir+ndjson").get("/Binary/" + file).then().statusCode(403);
		training(labB).get("/Binary?_count=500").then().statusCode(200)
				.body("entry.resource.id.flatten()", not(hasItem(file)));
		as(admin).get("/Binary/" + file).then().statusCode(403);
		training(labA).get("/Binary/" + file).then().statusCode(200);
	}

	@Test
	void readingImageBytesNeedsAScopeForBinary() {
		training(LocalTokenIssuer.token("lab-a", "system/Media.rs", TRAINING)).get("/Binary/" + derivativeBytes)
				.then().statusCode(403);
		training(LocalTokenIssuer.token("lab-a", "system/Media.rs system/Binary.rs", TRAINING)).get("/Binary/" + derivativeBytes)
				.then().statusCode(200);
	}

	private String startExport(String token, String types) {
		return training(token).header("Prefer", "respond-async").queryParam("_type", types)
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery())
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
	}

	private RequestSpecification training(String token) {
		return as(token).header("X-Purpose-Of-Use", "ai-training");
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private String create(String type, String json) {
		return as(admin).body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
