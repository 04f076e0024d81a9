package org.dermconsent.validation;

import io.restassured.response.Response;
import org.dermconsent.support.DermExamples;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** Derm consents and derm-media images are checked against their profiles whenever they are written. */
@H2ServerTest
class ProfileValidationOnWriteTest extends FhirApi {

	@BeforeEach
	void storeReferencedExamples() {
		for (Path example : DermExamples.valid()) {
			String json = DermExamples.read(example);
			String type = DermExamples.resourceType(json);
			if (type.equals("Patient") || type.equals("Organization")) {
				put(json).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
			}
		}
	}

	@Test
	void everyValidExampleIsAccepted() {
		assertThat(DermExamples.valid()).hasSizeGreaterThan(DermExamples.storable().size()); // the served form is left out
		for (Path example : DermExamples.storable()) {
			put(DermExamples.read(example)).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
		}
	}

	@Test
	void servedFormOfAnImageIsNotStored() {
		Response response = fhir().body(withTestTag(withoutId(DermExamples.read(AS_SERVED)))).post("/Media");

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(response.<List<String>>path("issue.expression[0]")).contains("Media.subject");
		assertThat(response.<List<String>>path("issue.diagnostics")).anySatisfy(d -> assertThat(d).contains("derm-media-6"));
		fhir().get("/Media?_tag=" + tagQuery()).then().body("total", equalTo(0));
	}

	/**
	 * An EHR sends a new patient, the image bytes and the image in one transaction, the image naming
	 * the other two by their {@code fullUrl}s. The image is checked against derm-media once HAPI has
	 * resolved those references.
	 */
	@Test
	void ehrTransactionWithUrnUuidReferencesIsAccepted() {
		Response response = fhir().body(ehrBundle("transaction", validImage())).post("/");

		assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
		assertThat(response.<List<String>>path("entry.response.status")).allSatisfy(s -> assertThat(s).startsWith("201"));
		String patient = response.<String>path("entry[0].response.location").replaceFirst("/_history/.*", "");
		String binary = response.<String>path("entry[1].response.location").replaceFirst("/_history/.*", "");
		fhir().get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.body("total", equalTo(1))
				.body("entry[0].resource.subject.reference", equalTo(patient))
				.body("entry[0].resource.content.url", equalTo(binary));
	}

	/** The README's "Integrating" curl example, as it is written there, is stored whole. */
	@Test
	void readmeIntegratingExampleIsAccepted() throws java.io.IOException {
		String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
		String section = readme.substring(readme.indexOf("## Integrating"));
		String bundle = section.substring(section.indexOf("-d '") + 4, section.indexOf("}'") + 1);

		Response response = fhir().body(bundle).post("/");

		assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
		assertThat(response.<List<String>>path("entry.response.status")).hasSize(3)
				.allSatisfy(s -> assertThat(s).startsWith("201"));
		String media = response.<String>path("entry[2].response.location").replaceFirst("/_history/.*", "");
		fhir().get("/" + media).then().statusCode(200)
				.body("subject.reference", org.hamcrest.Matchers.startsWith("Patient/"))
				.body("content.url", org.hamcrest.Matchers.startsWith("Binary/"));
	}

	@Test
	void invalidImageInAnEhrTransactionIs422AndNothingIsStored() {
		String wrongModality = validImage().replace("\"code\": \"XC\"", "\"code\": \"CT\"");
		assertThat(wrongModality).isNotEqualTo(validImage());

		Response response = fhir().body(ehrBundle("transaction", wrongModality)).post("/");

		assertThat(response.statusCode()).as(response.asString()).isEqualTo(422);
		assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
		assertThat(response.<List<String>>path("issue.diagnostics")).anySatisfy(d -> assertThat(d).contains("derm-modality"));
		fhir().get("/Patient?_tag=" + tagQuery()).then().body("total", equalTo(0));
		fhir().get("/Binary?_tag=" + tagQuery()).then().body("total", equalTo(0));
		fhir().get("/Media?_tag=" + tagQuery()).then().body("total", equalTo(0));
	}

	/** In a batch each entry stands alone: a valid image is stored, an invalid one is 422 and not stored. */
	@Test
	void imagesInABatchAreCheckedEntryByEntry() {
		String patient = fhir().body("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}").post("/Patient")
				.then().statusCode(201).extract().path("id");
		String valid = validImage().replace("\"urn:uuid:" + EHR_PATIENT + "\"", "\"Patient/" + patient + "\"")
				.replaceFirst(",\\s*\"url\"\\s*:\\s*\"urn:uuid:[^\"]+\"", ",\"data\":\"" + ONE_PIXEL_PNG + "\"");
		String invalid = valid.replace("\"code\": \"XC\"", "\"code\": \"CT\"");
		assertThat(valid).doesNotContain("urn:uuid");
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
				+ "{\"resource\":" + valid + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}},"
				+ "{\"resource\":" + invalid + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";

		Response response = fhir().body(bundle).post("/");

		assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
		assertThat(response.<String>path("entry[0].response.status")).startsWith("201");
		assertThat(response.<String>path("entry[1].response.status")).startsWith("422");
		fhir().get("/Media?_tag=" + tagQuery()).then().body("total", equalTo(1));
	}

	@Test
	void everyInvalidExampleIsRefusedWithTheErrorItsFileNames() {
		for (Path example : DermExamples.invalid()) {
			String json = DermExamples.read(example);
			if (example.getFileName().toString().equals("Consent-missing-derm-category.json")) {
				continue; // without the category it is not a derm consent; see foreignConsentsAreStoredAsPlainR4
			}
			DermExamples.ExpectedError expected = DermExamples.expectedError(example);
			Response response = fhir().body(json).post("/" + DermExamples.resourceType(json));

			assertThat(response.statusCode()).as(example.getFileName().toString()).isEqualTo(422);
			assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
			List<Map<String, Object>> issues = response.path("issue");
			assertThat(issues).as("%s: an error at %s saying %s", example.getFileName(), expected.location(), expected.message())
					.anySatisfy(issue -> {
						assertThat(issue.get("severity")).isEqualTo("error");
						assertThat((String) issue.get("diagnostics")).contains(expected.message());
						assertThat(((List<?>) issue.get("expression")).get(0).toString()).startsWith(expected.location());
					});
		}
	}

	@Test
	void consentClaimingTheProfileIsValidatedEvenWithoutTheCategory() {
		String json = DermExamples.read(DermExamples.ROOT.resolve("invalid/Consent-missing-derm-category.json"))
				.replaceFirst("\\{", "{\"meta\":{\"profile\":[\"https://dermconsent.org/fhir/StructureDefinition/derm-image-consent\"]},");
		fhir().body(json).post("/Consent").then().statusCode(422)
				.body("issue.diagnostics", hasItem(org.hamcrest.Matchers.containsString("dermImageUse")));
	}

	@Test
	void foreignConsentsAreStoredAsPlainR4() {
		String researchConsent = "{\"resourceType\":\"Consent\"," + metaWithTestTag() + ",\"status\":\"active\","
				+ "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"research\"}]},"
				+ "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"57016-8\"}]}],"
				+ "\"patient\":{\"reference\":\"Patient/derm-example\"},"
				+ "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},"
				+ "\"provision\":{\"type\":\"permit\"}}";
		fhir().body(researchConsent).post("/Consent").then().statusCode(201);
	}

	@Test
	void invalidDermConsentFailsTheWholeTransaction() {
		String invalidConsent = DermExamples.read(DermExamples.ROOT.resolve("invalid/Consent-root-permit.json"));
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"resource\":{\"resourceType\":\"Patient\"," + metaWithTestTag() + "},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"resource\":" + invalidConsent.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\",", "") + ","
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Consent\"}}]}";

		fhir().body(bundle).post("/").then().statusCode(422)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().get("/Patient?_tag=" + tagQuery()).then().body("total", equalTo(0));
	}

	@Test
	void invalidUpdatesAreRefusedAndLeaveTheStoredResourceUnchanged() {
		assertInvalidUpdateRefused("Media-derm-dermoscopic.json", "Media-wrong-modality.json", "modality.coding[0].code", "DMS");
		assertInvalidUpdateRefused("Consent-derm-consent-typical.json", "Consent-purpose-not-in-valueset.json",
				"provision.provision[0].purpose[0].code", "ai-training");
	}

	@Test
	void invalidDermMediaFailsTheWholeTransaction() {
		String invalidMedia = DermExamples.read(DermExamples.ROOT.resolve("invalid/Media-wrong-modality.json"));
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:22222222-2222-2222-2222-222222222222\","
				+ "\"resource\":{\"resourceType\":\"Patient\"," + metaWithTestTag() + "},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"resource\":" + withTestTag(withoutId(invalidMedia))
						.replace("\"Patient/derm-example\"", "\"urn:uuid:22222222-2222-2222-2222-222222222222\"") + ","
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";
		assertThat(bundle).contains("\"meta\":{\"tag\"").contains("derm-media").doesNotContain("Patient/derm-example");

		Response response = fhir().body(bundle).post("/");

		assertThat(response.statusCode()).isBetween(400, 499);
		assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
		assertThat(response.<List<String>>path("issue.diagnostics"))
				.anySatisfy(diagnostics -> assertThat(diagnostics).contains("derm-modality"));
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
		fhir().get("/Media?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void validateOperationChecksBothProfiles() {
		String consent = DermExamples.read("Consent-derm-consent-typical.json");
		fhir().body(consent).post("/Consent/$validate?profile=https://dermconsent.org/fhir/StructureDefinition/derm-image-consent")
				.then().statusCode(200).body("issue.severity", not(hasItem("error")));
		String media = DermExamples.read("Media-derm-dermoscopic.json");
		fhir().body(media).post("/Media/$validate?profile=https://dermconsent.org/fhir/StructureDefinition/derm-media")
				.then().statusCode(200).body("issue.severity", not(hasItem("error")));

		String invalidMedia = DermExamples.read(DermExamples.ROOT.resolve("invalid/Media-missing-subject.json"));
		fhir().body(invalidMedia).post("/Media/$validate?profile=https://dermconsent.org/fhir/StructureDefinition/derm-media")
				.then().statusCode(200).body("issue.severity", hasItem("error"));
	}

	/**
	 * Stores a copy of a valid example, then PUTs an invalid example over it: 422 with an issue at the
	 * element the invalid example's file names, and the stored resource still the first version.
	 */
	private void assertInvalidUpdateRefused(String validExample, String invalidExample, String element, String storedValue) {
		String valid = withTestTag(withoutId(DermExamples.read(validExample)));
		String type = DermExamples.resourceType(valid);
		String id = fhir().body(valid).post("/" + type).then().statusCode(201).extract().path("id");
		fhir().get("/" + type + "/" + id).then().statusCode(200).body("meta.versionId", equalTo("1"));

		Path invalidFile = DermExamples.ROOT.resolve("invalid").resolve(invalidExample);
		DermExamples.ExpectedError expected = DermExamples.expectedError(invalidFile);
		String invalid = DermExamples.read(invalidFile).replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"", "\"id\": \"" + id + "\"");
		Response response = fhir().body(invalid).put("/" + type + "/" + id);

		assertThat(response.statusCode()).as("PUT %s over %s", invalidExample, validExample).isEqualTo(422);
		assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
		List<Map<String, Object>> issues = response.path("issue");
		assertThat(issues).as("%s: an error at %s saying %s", invalidExample, expected.location(), expected.message())
				.anySatisfy(issue -> {
					assertThat(issue.get("severity")).isEqualTo("error");
					assertThat((String) issue.get("diagnostics")).contains(expected.message());
					assertThat(((List<?>) issue.get("expression")).get(0).toString()).startsWith(expected.location());
				});
		assertThat(expected.location()).as("the issue points below the resource root").contains(".");

		fhir().get("/" + type + "/" + id).then().statusCode(200)
				.body("meta.versionId", equalTo("1"))
				.body(element, equalTo(storedValue));
		fhir().get("/" + type + "/" + id + "/_history").then().statusCode(200).body("total", equalTo(1));
	}

	private static final String AS_SERVED = "Media-derm-dermoscopic-deidentified-as-served.json";
	private static final String EHR_PATIENT = "5d7c1f0e-3b6a-4c2d-9e8f-0a1b2c3d4e5f";
	private static final String EHR_BINARY = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
	private static final String ONE_PIXEL_PNG =
			"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

	/** The clinical photo example as an EHR would send it: subject and bytes as urn:uuid references. */
	private String validImage() {
		String image = withTestTag(withoutId(DermExamples.read("Media-derm-clinical-photo.json")))
				.replace("\"Patient/derm-example\"", "\"urn:uuid:" + EHR_PATIENT + "\"")
				.replace("\"Binary/derm-clinical-photo\"", "\"urn:uuid:" + EHR_BINARY + "\"");
		assertThat(image).contains("urn:uuid:" + EHR_PATIENT).contains("urn:uuid:" + EHR_BINARY)
				.contains("\"code\": \"XC\"");
		return image;
	}

	private String ehrBundle(String type, String image) {
		return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:" + EHR_PATIENT + "\","
				+ "\"resource\":{\"resourceType\":\"Patient\"," + metaWithTestTag() + "},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"fullUrl\":\"urn:uuid:" + EHR_BINARY + "\","
				+ "\"resource\":{\"resourceType\":\"Binary\"," + metaWithTestTag() + ",\"contentType\":\"image/png\","
				+ "\"data\":\"" + ONE_PIXEL_PNG + "\"},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Binary\"}},"
				+ "{\"resource\":" + image + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";
	}

	private static String withoutId(String json) {
		return json.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"\\s*,", "");
	}

	/** Marks an example as this test's, so it can be found (or not) by the test's tag. */
	private String withTestTag(String json) {
		String tagged = json.replaceFirst("\"meta\"\\s*:\\s*\\{",
				"\"meta\":{\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag + "\"}],");
		assertThat(tagged).as("the example has a meta to tag").isNotEqualTo(json);
		return tagged;
	}

	private Response put(String json) {
		return fhir().body(json).put("/" + DermExamples.resourceType(json) + "/" + DermExamples.id(json));
	}
}
