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
		for (Path example : DermExamples.valid()) {
			put(DermExamples.read(example)).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
		}
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

	private Response put(String json) {
		return fhir().body(json).put("/" + DermExamples.resourceType(json) + "/" + DermExamples.id(json));
	}
}
