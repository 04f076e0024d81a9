package org.dermconsent.research;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The research platform's bulk export (DESIGN 12): for a purpose other than clinical care, an export
 * holds exactly the permitted images, each with its bytes inline (byte for byte what a clinical-care
 * read of its Binary returns), and their patients as pseudonymous records only. Runs once per database.
 */
abstract class ResearchExportSuite extends FhirApi {

	static final String PSEUDONYM = "https://dermconsent.org/fhir/NamingSystem/patient-pseudonym";
	static final Set<String> PSEUDONYMOUS_PATIENT_FIELDS = Set.of("resourceType", "id", "meta", "identifier", "gender", "birthDate");

	@Autowired
	IJobMaintenanceService jobMaintenance;

	/**
	 * Every exported image's bytes are checked against the bytes stored for it; every 40th also against
	 * a care read of its Binary (the other 975 reads took about 9 s and checked storage, not the export).
	 */
	private static final int CARE_READ_EVERY = 40;

	private final ObjectMapper json = new ObjectMapper();
	private final byte[] jpeg = TestImages.jpeg(4, 4);
	private int imageCount;

	/** Images stored by this test: Media id to the bytes uploaded in its Binary, and to the Binary's id. */
	private final Map<String, byte[]> permitted = new LinkedHashMap<>();
	private final Map<String, String> binaryOf = new HashMap<>();
	private final Set<String> denied = new HashSet<>();
	private final Set<String> consentingPatients = new HashSet<>();
	private final Set<String> allPatients = new HashSet<>();

	@Test
	void aThousandImageExportHoldsExactlyThePermittedImagesWithTheirBytesAndPseudonymousPatients() throws Exception {
		String prefix = "rx" + UUID.randomUUID().toString().substring(0, 8);
		for (int group = 0; group < 10; group++) {
			storePatients(prefix + "-g" + group, 10, 10, true);
		}
		storePatients(prefix + "-n", 10, 1, false); // no consent: nothing of theirs leaves
		assertThat(permitted).hasSize(1000);

		long started = System.nanoTime();
		Response kickoff = aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media,Patient")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery(), "Patient?_tag=" + tagQuery()).get("/$export");
		kickoff.then().statusCode(202);
		String status = kickoff.header("Content-Location");
		Response firstPoll = aiTraining().accept("application/json").get(status);
		if (firstPoll.statusCode() == 202) {
			assertThat(firstPoll.header("X-Progress")).as("X-Progress while the job runs").isNotBlank();
		}
		Map<String, List<JsonNode>> lines = exportedLines(status);
		long millis = (System.nanoTime() - started) / 1_000_000;
		System.out.println("research export of 1000 permitted images: " + millis + " ms");

		assertThat(lines.keySet()).containsExactlyInAnyOrder("Media", "Patient");
		Set<String> exportedImages = new HashSet<>();
		Set<String> subjects = new HashSet<>();
		for (JsonNode media : lines.get("Media")) {
			String id = media.get("id").asText();
			assertThat(exportedImages.add(id)).as("Media/" + id + " once").isTrue();
			assertThat(permitted).as("only permitted images").containsKey(id);
			byte[] inline = Base64.getDecoder().decode(media.at("/content/data").asText());
			assertThat(inline).as("bytes of Media/" + id).isEqualTo(permitted.get(id));
			if (exportedImages.size() % CARE_READ_EVERY == 1) {
				byte[] careRead = raw().accept("image/jpeg").get("/Binary/" + binaryOf.get(id)).then().statusCode(200)
						.extract().asByteArray();
				assertThat(inline).as("bytes of Media/" + id + " against its Binary read for care").isEqualTo(careRead);
			}
			assertThat(media.at("/content/url").asText()).isEqualTo("Binary/" + binaryOf.get(id));
			assertThat(media.at("/subject/reference").isMissingNode()).as("no patient reference").isTrue();
			assertThat(media.at("/subject/identifier/system").asText()).isEqualTo(PSEUDONYM);
			subjects.add(media.at("/subject/identifier/value").asText());
			assertThat(media.toString()).doesNotContain("granted-use");
		}
		assertThat(exportedImages).isEqualTo(permitted.keySet());
		assertThat(exportedImages).doesNotContainAnyElementsOf(denied);

		Set<String> exportedPatients = new HashSet<>();
		for (JsonNode patient : lines.get("Patient")) {
			assertPseudonymous(patient);
			exportedPatients.add(patient.get("id").asText());
		}
		assertThat(exportedPatients).as("one record per patient with an exported image, by pseudonym").isEqualTo(subjects)
				.hasSize(consentingPatients.size()).doesNotContainAnyElementsOf(allPatients);
	}

	@Test
	void groupAndPatientLevelExportsHoldOnlyPermittedImagesAndTheirPatientsPseudonyms() throws Exception {
		String prefix = "rx" + UUID.randomUUID().toString().substring(0, 8);
		storePatients(prefix + "-a", 2, 2, true);
		storePatients(prefix + "-b", 1, 1, false);
		List<String> members = new ArrayList<>(allPatients);
		members.sort(null);
		String consenting = consentingPatients.iterator().next();
		String other = members.stream().filter(p -> !consentingPatients.contains(p)).findFirst().orElseThrow();
		String group = fhir().body("{\"resourceType\":\"Group\"," + metaWithTestTag() + ",\"type\":\"person\",\"actual\":true,"
				+ "\"member\":[{\"entity\":{\"reference\":\"Patient/" + consenting + "\"}},{\"entity\":{\"reference\":\"Patient/"
				+ other + "\"}}]}").post("/Group").then().statusCode(201).extract().path("id");
		Set<String> imagesOfConsenting = new HashSet<>();
		for (String image : permitted.keySet()) {
			String subject = fhir().get("/Media/" + image).then().extract().path("subject.reference");
			if (subject.equals("Patient/" + consenting)) {
				imagesOfConsenting.add(image);
			}
		}

		Map<String, List<JsonNode>> groupLines = exportedLines(kickoff("/Group/" + group + "/$export"));
		assertThat(ids(groupLines.get("Media"))).isEqualTo(imagesOfConsenting);
		assertThat(groupLines.get("Patient")).hasSize(1);
		groupLines.get("Patient").forEach(this::assertPseudonymous);

		Map<String, List<JsonNode>> patientLines = exportedLines(kickoff("/Patient/$export"));
		assertThat(ids(patientLines.get("Media"))).isEqualTo(permitted.keySet());
		assertThat(patientLines.get("Patient")).hasSize(2);
		patientLines.get("Patient").forEach(this::assertPseudonymous);
		assertThat(ids(patientLines.get("Patient"))).doesNotContainAnyElementsOf(allPatients);
	}

	@Test
	void aSecondaryUseExportOfOtherTypesIsRefused() {
		for (String types : List.of("Media,Provenance", "Patient", "Media,Consent", "AuditEvent", "Media,Binary")) {
			aiTraining().header("Prefer", "respond-async").queryParam("_type", types).get("/$export").then()
					.statusCode(400).body("resourceType", equalTo("OperationOutcome"));
		}
		aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media,Provenance").get("/$export").then()
				.body("issue[0].diagnostics", containsString("Provenance"));
		// clinical care exports what it asks for
		fhir().header("Prefer", "respond-async").queryParam("_type", "Provenance")
				.queryParam("_typeFilter", "Provenance?_tag=" + tagQuery()).get("/$export").then().statusCode(202);
	}

	private String kickoff(String path) {
		return aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media,Patient")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery(), "Patient?_tag=" + tagQuery()).get(path)
				.then().statusCode(202).extract().header("Content-Location");
	}

	private void assertPseudonymous(JsonNode patient) {
		Set<String> fields = new HashSet<>();
		patient.fieldNames().forEachRemaining(fields::add);
		assertThat(PSEUDONYMOUS_PATIENT_FIELDS).as("fields of " + patient).containsAll(fields);
		assertThat(patient.get("identifier")).hasSize(1);
		assertThat(patient.at("/identifier/0/system").asText()).isEqualTo(PSEUDONYM);
		assertThat(patient.at("/identifier/0/value").asText()).isEqualTo(patient.get("id").asText());
		assertThat(patient.get("birthDate").asText()).matches("\\d{4}");
		Set<String> metaFields = new HashSet<>();
		patient.get("meta").fieldNames().forEachRemaining(metaFields::add);
		assertThat(metaFields).containsExactly("security");
		assertThat(patient.toString()).doesNotContain("Ada").doesNotContain("555-").doesNotContain("Main Street")
				.doesNotContain("MRN").doesNotContain(testTag);
	}

	private Map<String, List<JsonNode>> exportedLines(String status) throws Exception {
		BulkExportRun.outputUrls(jobMaintenance, this::aiTraining, status);
		JsonPath manifest = aiTraining().accept("application/json").get(status).then().statusCode(200).extract().jsonPath();
		Map<String, List<JsonNode>> lines = new HashMap<>();
		List<Map<String, String>> outputs = manifest.getList("output");
		for (Map<String, String> output : outputs) {
			String body = aiTraining().accept("application/fhir+ndjson").get("/Binary/" + BulkExportRun.fileId(output.get("url")))
					.then().statusCode(200).extract().asString();
			for (String line : body.split("\n")) {
				if (!line.isBlank()) {
					JsonNode resource = json.readTree(line);
					assertThat(resource.get("resourceType").asText()).isEqualTo(output.get("type"));
					lines.computeIfAbsent(output.get("type"), type -> new ArrayList<>()).add(resource);
				}
			}
		}
		return lines;
	}

	private static Set<String> ids(List<JsonNode> resources) {
		Set<String> ids = new HashSet<>();
		for (Iterator<JsonNode> it = resources == null ? List.<JsonNode>of().iterator() : resources.iterator(); it.hasNext(); ) {
			ids.add(it.next().get("id").asText());
		}
		return ids;
	}

	/**
	 * {@code patients} identifiable patients, each with {@code images} de-identified images and one
	 * identifiable photo, bytes in Binaries; with {@code consent}, a consent allowing de-identified AI
	 * training (their de-identified images are permitted, the photo is not); without, nothing of theirs is.
	 */
	private void storePatients(String prefix, int patients, int images, boolean consent) {
		StringBuilder first = new StringBuilder();
		List<String[]> pending = new ArrayList<>(); // binary id, patient id, identifiability, global index
		for (int p = 0; p < patients; p++) {
			String patient = prefix + "-p" + p;
			allPatients.add(patient);
			if (consent) {
				consentingPatients.add(patient);
			}
			entry(first, "PUT", "Patient/" + patient, "{\"resourceType\":\"Patient\",\"id\":\"" + patient + "\","
					+ metaWithTestTag() + ",\"identifier\":[{\"system\":\"urn:hospital:MRN\",\"value\":\"MRN-" + patient + "\"}],"
					+ "\"name\":[{\"family\":\"Lovelace\",\"given\":[\"Ada\"]}],\"telecom\":[{\"system\":\"phone\",\"value\":\"555-0100\"}],"
					+ "\"address\":[{\"line\":[\"1 Main Street\"],\"city\":\"Basel\"}],\"gender\":\"female\",\"birthDate\":\"1981-05-17\"}");
			for (int i = 0; i <= images; i++) {
				String binary = patient + "-b" + i;
				byte[] bytes = bytes(imageCount++);
				entry(first, "PUT", "Binary/" + binary, "{\"resourceType\":\"Binary\",\"id\":\"" + binary
						+ "\",\"contentType\":\"image/jpeg\",\"data\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}");
				pending.add(new String[] {binary, patient, i < images ? "deidentified" : "identifiable", Base64.getEncoder().encodeToString(bytes)});
			}
		}
		transaction(first);
		StringBuilder second = new StringBuilder();
		if (consent) {
			for (String patient : allPatients) {
				if (patient.startsWith(prefix + "-")) {
					entry(second, "POST", "Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
							List.of(DermJson.permit("ai-training", "deidentified", null, null))));
				}
			}
		}
		int firstMedia = second.length() == 0 ? 0 : patients;
		for (String[] image : pending) {
			entry(second, "POST", "Media", DermJson.media(testTag, "Patient/" + image[1], image[2], "Binary/" + image[0], ""));
		}
		List<String> locations = transaction(second);
		for (int i = 0; i < pending.size(); i++) {
			String id = locations.get(firstMedia + i).split("/")[1];
			binaryOf.put(id, pending.get(i)[0]);
			if (consent && "deidentified".equals(pending.get(i)[2])) {
				permitted.put(id, Base64.getDecoder().decode(pending.get(i)[3]));
			} else {
				denied.add(id);
			}
		}
	}

	/** A distinct small JPEG per image: the same picture with its number after the end marker. */
	private byte[] bytes(int index) {
		return ByteBuffer.allocate(jpeg.length + 4).put(jpeg).putInt(index).array();
	}

	private static void entry(StringBuilder entries, String method, String url, String resource) {
		if (entries.length() > 0) {
			entries.append(',');
		}
		entries.append("{\"resource\":").append(resource).append(",\"request\":{\"method\":\"").append(method)
				.append("\",\"url\":\"").append(url).append("\"}}");
	}

	private List<String> transaction(StringBuilder entries) {
		return fhir().body("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}").post("/")
				.then().statusCode(200).extract().jsonPath().getList("entry.response.location", String.class);
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}
}
