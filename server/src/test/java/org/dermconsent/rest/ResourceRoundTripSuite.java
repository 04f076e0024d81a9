package org.dermconsent.rest;

import io.restassured.response.Response;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Create, read, update, search and delete of the resources DermConsent is about, over REST.
 * Runs once per database (see the subclasses).
 */
abstract class ResourceRoundTripSuite extends FhirApi {

	@Test
	void patientRoundTrip() {
		String id = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag()
				+ ",\"name\":[{\"family\":\"Okafor\",\"given\":[\"Ada\"]}],\"birthDate\":\"1980-02-01\"}");

		fhir().get("/Patient/" + id).then().statusCode(200).body("name[0].family", equalTo("Okafor"));

		fhir().body("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"," + metaWithTestTag()
						+ ",\"name\":[{\"family\":\"Okafor-Smith\"}]}")
				.put("/Patient/" + id)
				.then().statusCode(200).body("meta.versionId", equalTo("2"));

		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200)
				.body("total", equalTo(1))
				.body("entry[0].resource.name[0].family", equalTo("Okafor-Smith"));
		fhir().get("/Patient?family=Okafor-Smith&_tag=" + tagQuery()).then().body("total", equalTo(1));

		fhir().delete("/Patient/" + id).then().statusCode(200);
		fhir().get("/Patient/" + id).then().statusCode(410)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().get("/Patient?_tag=" + tagQuery()).then().body("total", equalTo(0));
	}

	@Test
	void mediaWithInlineImageRoundTrip() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		byte[] image = TestImages.jpeg(16, 12);
		String media = create("Media", mediaJson(patient, "\"data\":\"" + Base64.getEncoder().encodeToString(image)
				+ "\",\"title\":\"Pigmented naevus on left forearm\""));

		Response read = fhir().get("/Media/" + media);
		read.then().statusCode(200).body("subject.reference", equalTo("Patient/" + patient));
		assertThat(Base64.getDecoder().decode(read.path("content.data").toString())).isEqualTo(image);

		fhir().body(DermJson.withId(mediaJson(patient, "\"data\":\"" + Base64.getEncoder().encodeToString(image)
						+ "\",\"title\":\"Pigmented naevus on left forearm, follow-up\""), media))
				.put("/Media/" + media)
				.then().statusCode(200).body("meta.versionId", equalTo("2"));

		fhir().get("/Media?subject=Patient/" + patient).then().statusCode(200)
				.body("total", equalTo(1)).body("entry[0].resource.id", equalTo(media));
		fhir().get("/Media?_tag=" + tagQuery()).then().body("total", equalTo(1));

		fhir().delete("/Media/" + media).then().statusCode(200);
		fhir().get("/Media/" + media).then().statusCode(410);
		fhir().get("/Media?subject=Patient/" + patient).then().body("total", equalTo(0));
	}

	@Test
	void mediaWithBinaryImageRoundTrip() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		byte[] image = TestImages.jpeg(32, 24);
		String binary = raw().contentType("image/jpeg").body(image).post("/Binary")
				.then().statusCode(201).extract().header("Location").replaceAll(".*/Binary/([^/]+)/.*", "$1");
		String media = create("Media", mediaJson(patient, "\"url\":\"Binary/" + binary + "\""));

		fhir().get("/Media/" + media).then().statusCode(200).body("content.url", equalTo("Binary/" + binary));
		byte[] bytes = raw().accept("image/jpeg").get("/Binary/" + binary)
				.then().statusCode(200).contentType("image/jpeg").extract().asByteArray();
		assertThat(bytes).isEqualTo(image);
		fhir().get("/Binary/" + binary).then().statusCode(200)
				.body("resourceType", equalTo("Binary")).body("contentType", equalTo("image/jpeg"));

		fhir().delete("/Media/" + media).then().statusCode(200);
		fhir().delete("/Binary/" + binary).then().statusCode(200);
		raw().accept("image/jpeg").get("/Binary/" + binary).then().statusCode(410);
	}

	@Test
	void consentRoundTrip() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		String consent = create("Consent", consentJson(patient, "active"));

		fhir().get("/Consent/" + consent).then().statusCode(200)
				.body("status", equalTo("active"))
				.body("provision.provision[0].purpose[0].code", equalTo("ai-training"));

		fhir().body(consentJson(patient, "inactive").replace("{\"resourceType\":\"Consent\",",
						"{\"resourceType\":\"Consent\",\"id\":\"" + consent + "\","))
				.put("/Consent/" + consent)
				.then().statusCode(200).body("status", equalTo("inactive"));

		fhir().get("/Consent?patient=Patient/" + patient).then().statusCode(200)
				.body("total", equalTo(1)).body("entry.resource.status", hasItem("inactive"));
		fhir().get("/Consent?_tag=" + tagQuery() + "&status=inactive").then().body("total", equalTo(1));
		fhir().get("/Consent?_tag=" + tagQuery() + "&status=active").then().body("total", equalTo(0));

		fhir().delete("/Consent/" + consent).then().statusCode(200);
		fhir().get("/Consent/" + consent).then().statusCode(410);
	}

	@Test
	void contentSearchFindsMediaByTitle() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		String word = "zqx" + Long.toString(System.nanoTime(), 36);
		String media = create("Media", mediaJson(patient, "\"data\":\"AAEC\",\"title\":\"Dermoscopy of " + word + " lesion\""));
		create("Media", mediaJson(patient, "\"data\":\"AAEC\",\"title\":\"Dermoscopy of another lesion\""));

		fhir().get("/Media?_content=" + word).then().statusCode(200)
				.body("total", equalTo(1)).body("entry[0].resource.id", equalTo(media));
		fhir().get("/Media?_content=" + word + "&subject=Patient/" + patient).then().body("total", equalTo(1));
	}

	@Test
	void textSearchFindsMediaByNarrative() {
		String patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		String word = "kwv" + Long.toString(System.nanoTime(), 36);
		String media = create("Media", mediaJson(patient, "\"data\":\"AAEC\"").replace("\"status\":",
				"\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Close-up of "
						+ word + " on the scalp</div>\"},\"status\":"));

		fhir().get("/Media?_text=" + word).then().statusCode(200)
				.body("total", equalTo(1)).body("entry[0].resource.id", equalTo(media));
	}

	protected String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	protected String mediaJson(String patientId, String contentFields) {
		return "{\"resourceType\":\"Media\"," + metaWithTestTag() + ",\"status\":\"completed\","
				+ "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/media-type\",\"code\":\"image\"}]},"
				+ "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},"
				+ "\"content\":{\"contentType\":\"image/jpeg\"," + contentFields + "}}";
	}

	private String consentJson(String patientId, String status) {
		return "{\"resourceType\":\"Consent\"," + metaWithTestTag() + ",\"status\":\"" + status + "\","
				+ "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
				+ "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]},"
				+ "{\"coding\":[{\"system\":\"https://dermconsent.org/fhir/CodeSystem/consent-category\",\"code\":\"derm-image-use\"}]}],"
				+ "\"patient\":{\"reference\":\"Patient/" + patientId + "\"},\"dateTime\":\"2026-01-15T10:00:00Z\","
				+ "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},"
				+ "\"provision\":{\"type\":\"deny\",\"provision\":[{\"type\":\"permit\","
				+ "\"purpose\":[{\"system\":\"https://dermconsent.org/fhir/CodeSystem/image-use\",\"code\":\"ai-training\"}],"
				+ "\"securityLabel\":[{\"system\":\"https://dermconsent.org/fhir/CodeSystem/identifiability\",\"code\":\"deidentified\"}]}]}}";
	}
}
