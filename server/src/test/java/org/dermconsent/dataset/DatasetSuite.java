package org.dermconsent.dataset;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.model.StatusEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Datasets (DESIGN 12): a completed export for a purpose other than clinical care is a List of exactly
 * the exported images, each with the consent version that permitted it, named by the manifest, one per
 * job however many polls ask at once, and {@code $dataset-status} tells what has been withdrawn since.
 * With security off there is one client ({@code Device/anonymous}); other clients: SecuredDatasetTest.
 */
abstract class DatasetSuite extends FhirApi {

	static final String LIST_TYPE = "https://dermconsent.org/fhir/CodeSystem/list-type";
	static final String GOVERNING_CONSENT = "https://dermconsent.org/fhir/StructureDefinition/governing-consent";
	static final String PURPOSE = "https://dermconsent.org/fhir/StructureDefinition/dataset-purpose";

	@Autowired
	IJobMaintenanceService jobMaintenance;

	@Autowired
	IJobCoordinator jobs;

	private final ObjectMapper json = new ObjectMapper();

	/** The images a test stored, by Media id, to the versioned consent expected to govern each; null if not permitted. */
	private final Map<String, String> governedBy = new HashMap<>();

	@Test
	void aCompletedExportIsAListOfExactlyItsImagesWithTheConsentVersionsThatPermittedThem() throws Exception {
		// a patient who consented, then amended the consent (version 2)
		String amending = patient();
		String amended = create("Consent", permitTraining(amending, "2026-01-15T10:00:00Z"));
		// (an update that changes nothing makes no new version: this one adds education)
		fhir().body(DermJson.consent(testTag, "Patient/" + amending, "active", List.of(DermJson.permit("ai-training", "deidentified",
				null, null), DermJson.permit("education", "deidentified", null, null)))
				.replaceFirst("\\{", "{\"id\":\"" + amended + "\",")).put("/Consent/" + amended).then().statusCode(200)
				.body("meta.versionId", equalTo("2"));
		images(amending, 2, "Consent/" + amended + "/_history/2");
		// a patient who consented, then posted a newer consent before the export: the newer one governs
		String renewing = patient();
		create("Consent", permitTraining(renewing, "2026-01-15T10:00:00Z"));
		String newer = create("Consent", permitTraining(renewing, "2026-03-01T10:00:00Z"));
		images(renewing, 2, "Consent/" + newer + "/_history/1");
		// a patient without consent: nothing of theirs is exported
		images(patient(), 1, null);

		String status = kickoff();
		Map<String, List<JsonNode>> lines = exportedLines(status);
		JsonPath manifest = aiTraining().accept("application/json").get(status).then().statusCode(200).extract().jsonPath();
		String datasetRef = manifest.getString("extension.dataset");
		assertThat(datasetRef).startsWith("List/");
		assertThat(manifest.getString("extension.purpose")).isEqualTo("ai-training");

		Set<String> exported = new HashSet<>();
		lines.getOrDefault("Media", List.of()).forEach(media -> exported.add("Media/" + media.get("id").asText()));
		Map<String, String> expected = new HashMap<>();
		governedBy.forEach((image, consent) -> {
			if (consent != null) {
				expected.put("Media/" + image, consent);
			}
		});
		assertThat(exported).isEqualTo(expected.keySet());

		JsonPath list = aiTraining().get("/" + datasetRef).then().statusCode(200).extract().jsonPath();
		assertThat(list.getString("status")).isEqualTo("current");
		assertThat(list.getString("mode")).isEqualTo("snapshot");
		assertThat(list.getString("code.coding[0].system")).isEqualTo(LIST_TYPE);
		assertThat(list.getString("code.coding[0].code")).isEqualTo("dataset");
		assertThat(list.getString("source.reference")).isEqualTo("Device/anonymous");
		assertThat(list.getString("date")).isNotBlank();
		assertThat(list.getString("extension.find { it.url == '" + PURPOSE + "' }.valueCoding.code")).isEqualTo("ai-training");
		Map<String, String> entries = new HashMap<>();
		List<Map<String, Object>> listEntries = list.getList("entry");
		for (int i = 0; i < listEntries.size(); i++) {
			String item = list.getString("entry[" + i + "].item.reference");
			String consent = list.getString("entry[" + i + "].extension.find { it.url == '" + GOVERNING_CONSENT + "' }.valueReference.reference");
			assertThat(entries.put(item, consent)).as(item + " once").isNull();
		}
		assertThat(entries).as("entries: the exported images, each with the consent version that permitted it").isEqualTo(expected);

		// the manifest names the same dataset on every poll
		aiTraining().accept("application/json").get(status).then().statusCode(200).body("extension.dataset", equalTo(datasetRef));
	}

	@Test
	void concurrentPollsOfACompletedExportGiveOneList() throws Exception {
		String patient = patient();
		create("Consent", permitTraining(patient, "2026-01-15T10:00:00Z"));
		images(patient, 3, "any");
		String status = kickoff();
		String jobId = status.substring(status.indexOf("_jobId=") + "_jobId=".length());
		for (int passes = 0; jobs.getInstance(jobId).getStatus() != StatusEnum.COMPLETED; passes++) {
			assertThat(passes).as("the export job completes").isLessThan(240);
			jobMaintenance.forceMaintenancePass();
			Thread.sleep(250);
		}

		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<Response>> polls = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				Callable<Response> poll = () -> aiTraining().accept("application/json").get(status);
				polls.add(pool.submit(poll));
			}
			Set<String> datasets = new HashSet<>();
			for (Future<Response> poll : polls) {
				Response answer = poll.get();
				assertThat(answer.statusCode()).isIn(200, 202);
				if (answer.statusCode() == 200) {
					datasets.add(answer.jsonPath().getString("extension.dataset"));
				}
			}
			datasets.add(aiTraining().accept("application/json").get(status).then().statusCode(200).extract()
					.jsonPath().getString("extension.dataset"));
			assertThat(datasets).hasSize(1);
			String dataset = datasets.iterator().next();
			String identifier = aiTraining().get("/" + dataset).then().statusCode(200).extract().path("identifier[0].value");
			aiTraining().queryParam("identifier", "urn:ietf:rfc:3986|" + identifier).queryParam("_summary", "count")
					.get("/List").then().statusCode(200).body("total", equalTo(1));
		} finally {
			pool.shutdownNow();
		}
	}

	@Test
	void datasetStatusListsTheImagesNoLongerPermitted() throws Exception {
		String staying = patient();
		create("Consent", permitTraining(staying, "2026-01-15T10:00:00Z"));
		List<String> kept = images(staying, 2, "any");
		String leaving = patient();
		String consent = create("Consent", permitTraining(leaving, "2026-01-15T10:00:00Z"));
		List<String> withdrawn = images(leaving, 2, "any");
		String status = kickoff();
		exportedLines(status);
		String dataset = aiTraining().accept("application/json").get(status).then().statusCode(200).extract()
				.path("extension.dataset");

		JsonPath before = datasetStatus(dataset).then().statusCode(200).extract().jsonPath();
		assertThat(before.getInt("parameter.find { it.name == 'permitted' }.valueInteger")).isEqualTo(4);
		assertThat(before.getInt("parameter.find { it.name == 'withdrawn' }.valueInteger")).isEqualTo(0);
		assertThat(before.getList("parameter.findAll { it.name == 'withdrawn-image' }")).isEmpty();

		fhir().body(permitTraining(leaving, "2026-01-15T10:00:00Z").replace("\"status\":\"active\"", "\"status\":\"inactive\"")
				.replaceFirst("\\{", "{\"id\":\"" + consent + "\",")).put("/Consent/" + consent).then().statusCode(200);

		JsonPath after = datasetStatus(dataset).then().statusCode(200).extract().jsonPath();
		assertThat(after.getInt("parameter.find { it.name == 'permitted' }.valueInteger")).isEqualTo(2);
		assertThat(after.getInt("parameter.find { it.name == 'withdrawn' }.valueInteger")).isEqualTo(2);
		assertThat(after.getList("parameter.findAll { it.name == 'withdrawn-image' }.valueReference.reference", String.class))
				.containsExactlyInAnyOrderElementsOf(withdrawn.stream().map(id -> "Media/" + id).toList())
				.doesNotContainAnyElementsOf(kept.stream().map(id -> "Media/" + id).toList());
		// the List itself is history: it still names the consent version that permitted each image then
		aiTraining().get("/" + dataset).then().statusCode(200).body("entry.size()", equalTo(4));
	}

	@Test
	void datasetStatusOfWhatIsNoDatasetIsAnOperationOutcome() {
		datasetStatus("List/no-such-dataset-" + testTag.substring(2, 10)).then().statusCode(404)
				.body("resourceType", equalTo("OperationOutcome"));
		String plain = create("List", "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"working\"}");
		datasetStatus("List/" + plain).then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
	}

	@Test
	void clientsCannotWriteDatasets() throws Exception {
		String dataset = "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"snapshot\",\"code\":{\"coding\":[{\"system\":\""
				+ LIST_TYPE + "\",\"code\":\"dataset\"}]},\"source\":{\"reference\":\"Device/anonymous\"}}";
		fhir().body(dataset).post("/List").then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));

		String patient = patient();
		create("Consent", permitTraining(patient, "2026-01-15T10:00:00Z"));
		images(patient, 1, "any");
		String status = kickoff();
		exportedLines(status);
		String written = aiTraining().accept("application/json").get(status).then().statusCode(200).extract()
				.path("extension.dataset");
		String id = written.substring("List/".length());
		fhir().body(dataset.replaceFirst("\\{", "{\"id\":\"" + id + "\",")).put("/" + written).then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().delete("/" + written).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		// nor can another List become one
		String plain = create("List", "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"working\"}");
		fhir().body(dataset.replaceFirst("\\{", "{\"id\":\"" + plain + "\",")).put("/List/" + plain).then().statusCode(403);
		aiTraining().get("/" + written).then().statusCode(200).body("entry.size()", equalTo(1));
	}

	@Test
	void theCapabilityStatementListsDatasetStatusWithItsDefinition() {
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].resource.find { it.type == 'List' }.operation.find { it.name == 'dataset-status' }.definition",
						equalTo("https://dermconsent.org/fhir/OperationDefinition/dataset-status"));
	}

	private Response datasetStatus(String dataset) {
		return aiTraining().get("/" + dataset + "/$dataset-status");
	}

	private String permitTraining(String patient, String dateTime) {
		return DermJson.consent(testTag, "Patient/" + patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null)))
				.replace("2026-01-15T10:00:00Z", dateTime);
	}

	private String patient() {
		return create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
	}

	/** {@code count} de-identified images of {@code patient} with their bytes inline, governed by {@code consent}. */
	private List<String> images(String patient, int count, String consent) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = create("Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, ""));
			governedBy.put(id, consent);
			ids.add(id);
		}
		return ids;
	}

	private String kickoff() {
		return aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media,Patient")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery(), "Patient?_tag=" + tagQuery()).get("/$export")
				.then().statusCode(202).extract().header("Content-Location");
	}

	private Map<String, List<JsonNode>> exportedLines(String status) throws Exception {
		Map<String, List<JsonNode>> lines = new HashMap<>();
		for (String url : BulkExportRun.outputUrls(jobMaintenance, this::aiTraining, status)) {
			String body = aiTraining().accept("application/fhir+ndjson").get("/Binary/" + BulkExportRun.fileId(url))
					.then().statusCode(200).extract().asString();
			for (String line : body.split("\n")) {
				if (!line.isBlank()) {
					JsonNode resource = json.readTree(line);
					lines.computeIfAbsent(resource.get("resourceType").asText(), type -> new ArrayList<>()).add(resource);
				}
			}
		}
		return lines;
	}

	private String create(String type, String body) {
		return fhir().body(body).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}
}
