package org.dermconsent.consent;

import io.restassured.path.json.JsonPath;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * $consent-decision and $image-consent-summary for a patient like the typical respondent of the
 * JAMA Dermatology survey: yes to de-identified AI training and teaching, no to identifiable publication.
 */
@H2ServerTest
class ConsentOperationsTest extends FhirApi {

	private static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
	private static final String IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability";

	private String patient;
	private String consent;
	private String identifiablePhoto;
	private String deidentifiedDerivative;
	private String unlabelledPhoto;

	@BeforeEach
	void typicalPatientWithThreeImages() {
		patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		consent = create("Consent", typicalConsent("active"));
		identifiablePhoto = create("Media", media("identifiable", ""));
		deidentifiedDerivative = create("Media", media("deidentified",
				",\"extension\":[{\"url\":\"https://dermconsent.org/fhir/StructureDefinition/derived-from-media\","
						+ "\"valueReference\":{\"reference\":\"Media/" + identifiablePhoto + "\"}}]"));
		unlabelledPhoto = create("Media", media(null, ""));
	}

	@Test
	void deidentifiedImagePermittedForAiTrainingByTheConsent() {
		JsonPath decision = decide(deidentifiedDerivative, "ai-training");
		assertThat(value(decision, "decision", "valueCode")).isEqualTo("permit");
		assertThat(value(decision, "consent", "valueReference.reference")).isEqualTo("Consent/" + consent);
		assertThat(value(decision, "identifiability", "valueCoding.code")).isEqualTo("deidentified");
		assertThat(value(decision, "purpose", "valueCoding.code")).isEqualTo("ai-training");
	}

	@Test
	void identifiableSourceOfThatImageIsDenied() {
		assertThat(value(decide(identifiablePhoto, "ai-training"), "decision", "valueCode")).isEqualTo("deny");
		JsonPath publication = decide(identifiablePhoto, "publication");
		assertThat(value(publication, "decision", "valueCode")).isEqualTo("deny");
		assertThat(value(publication, "consent", "valueReference.reference")).isEqualTo("Consent/" + consent);
	}

	@Test
	void unlabelledImageCountsAsIdentifiable() {
		JsonPath decision = decide(unlabelledPhoto, "education");
		assertThat(value(decision, "decision", "valueCode")).isEqualTo("deny");
		assertThat(value(decision, "identifiability", "valueCoding.code")).isEqualTo("identifiable");
	}

	@Test
	void mappedV3PurposesAreUnderstood() {
		String mlTraining = "http://terminology.hl7.org/CodeSystem/v3-ActReason|MLTRAINING";
		assertThat(value(decide(deidentifiedDerivative, mlTraining), "decision", "valueCode")).isEqualTo("permit");
		assertThat(value(decide(deidentifiedDerivative, "TRAIN"), "purpose", "valueCoding.code")).isEqualTo("education");
	}

	@Test
	void purposeComesFromTheHeaderWhenNotGivenAndClinicalCareByDefault() {
		JsonPath fromHeader = fhir().header("X-Purpose-Of-Use", IMAGE_USE + "|education")
				.get("/Media/" + deidentifiedDerivative + "/$consent-decision").then().statusCode(200).extract().jsonPath();
		assertThat(value(fromHeader, "purpose", "valueCoding.code")).isEqualTo("education");
		assertThat(value(fromHeader, "decision", "valueCode")).isEqualTo("permit");

		JsonPath byDefault = fhir().get("/Media/" + identifiablePhoto + "/$consent-decision").then().statusCode(200)
				.extract().jsonPath();
		assertThat(value(byDefault, "purpose", "valueCoding.code")).isEqualTo("clinical-care");
		assertThat(value(byDefault, "decision", "valueCode")).isEqualTo("permit");
	}

	@Test
	void withdrawalTakesEffectOnTheNextRequest() {
		fhir().body(typicalConsent("inactive").replaceFirst("\\{", "{\"id\":\"" + consent + "\","))
				.put("/Consent/" + consent).then().statusCode(200);

		JsonPath decision = decide(deidentifiedDerivative, "ai-training");
		assertThat(value(decision, "decision", "valueCode")).isEqualTo("deny");
		assertThat(value(decision, "reason", "valueString")).contains("clinical-care");
	}

	@Test
	void unknownOrMalformedPurposesAreClientErrors() {
		fhir().get("/Media/" + deidentifiedDerivative + "/$consent-decision?purpose=marketing").then().statusCode(400)
				.body("resourceType", equalTo("OperationOutcome")).body("issue[0].diagnostics", containsString("marketing"));
		fhir().get("/Media/" + deidentifiedDerivative + "/$consent-decision?purpose=secondary-use").then().statusCode(400);
		fhir().header("X-Purpose-Of-Use", "a|b|c").get("/Patient/" + patient).then().statusCode(400)
				.body("issue[0].diagnostics", containsString("X-Purpose-Of-Use"));
		fhir().header("X-Purpose-Of-Use", "urn:other|ai-training").get("/Patient/" + patient).then().statusCode(400);
	}

	@Test
	void decisionOnMissingImageIsNotFound() {
		fhir().get("/Media/no-such-image/$consent-decision?purpose=education").then().statusCode(404)
				.body("resourceType", equalTo("OperationOutcome"));
	}

	@Test
	void summaryListsEveryUseAndIdentifiability() {
		JsonPath summary = fhir().get("/Patient/" + patient + "/$image-consent-summary").then().statusCode(200)
				.extract().jsonPath();

		assertThat(value(summary, "governingConsent", "valueReference.reference")).isEqualTo("Consent/" + consent);
		List<Map<String, Object>> grants = summary.getList("parameter.findAll { it.name == 'grant' }");
		assertThat(grants).hasSize(ImageUse.leaves().size() * Identifiability.values().length);
		assertThat(grantDecision(summary, "ai-training", "deidentified")).isEqualTo("permit");
		assertThat(grantDecision(summary, "education", "deidentified")).isEqualTo("permit");
		assertThat(grantDecision(summary, "ai-training", "identifiable")).isEqualTo("deny");
		assertThat(grantDecision(summary, "publication", "identifiable")).isEqualTo("deny");
		assertThat(grantDecision(summary, "clinical-care", "identifiable")).isEqualTo("permit");
		assertThat(grantDecision(summary, "conference", "deidentified")).isEqualTo("deny");
	}

	@Test
	void summaryOfMissingPatientIsNotFound() {
		fhir().get("/Patient/no-such-patient/$image-consent-summary").then().statusCode(404);
	}

	@Test
	void operationsAreListedInTheCapabilityStatement() {
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].resource.find { it.type == 'Media' }.operation.name", hasItems("consent-decision"))
				.body("rest[0].resource.find { it.type == 'Patient' }.operation.name", hasItems("image-consent-summary"));
	}

	/** Its OperationDefinition types purpose as code, string or Coding; a POSTed Coding was a 400. */
	@Test
	void purposeMayBePostedAsCodeStringOrCoding() {
		String asCoding = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"purpose\","
				+ "\"valueCoding\":{\"system\":\"" + IMAGE_USE + "\",\"code\":\"ai-training\"}}]}";
		String asV3Coding = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"purpose\","
				+ "\"valueCoding\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"MLTRAINING\"}}]}";
		String asCode = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"purpose\",\"valueCode\":\"ai-training\"}]}";
		String asString = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"purpose\","
				+ "\"valueString\":\"" + IMAGE_USE + "|ai-training\"}]}";
		for (String body : List.of(asCoding, asV3Coding, asCode, asString)) {
			JsonPath decision = fhir().body(body).post("/Media/" + deidentifiedDerivative + "/$consent-decision")
					.then().statusCode(200).extract().jsonPath();
			assertThat(value(decision, "purpose", "valueCoding.code")).as(body).isEqualTo("ai-training");
			assertThat(value(decision, "decision", "valueCode")).as(body).isEqualTo("permit");
		}
		String unknownCoding = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"purpose\","
				+ "\"valueCoding\":{\"system\":\"" + IMAGE_USE + "\",\"code\":\"marketing\"}}]}";
		fhir().body(unknownCoding).post("/Media/" + deidentifiedDerivative + "/$consent-decision").then().statusCode(400);
		String wrongType = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"purpose\",\"valueInteger\":1}]}";
		fhir().body(wrongType).post("/Media/" + deidentifiedDerivative + "/$consent-decision").then().statusCode(400);
	}

	@Test
	void capabilityStatementRefersToTheCanonicalOperationDefinitions() {
		String base = "https://dermconsent.org/fhir/OperationDefinition/";
		JsonPath metadata = fhir().get("/metadata").then().statusCode(200).extract().jsonPath();
		assertThat(metadata.getString("rest[0].resource.find { it.type == 'Media' }.operation.find { it.name == 'consent-decision' }.definition"))
				.isEqualTo(base + "consent-decision");
		assertThat(metadata.getString("rest[0].resource.find { it.type == 'Media' }.operation.find { it.name == 'deidentify' }.definition"))
				.isEqualTo(base + "deidentify");
		assertThat(metadata.getString("rest[0].resource.find { it.type == 'Patient' }.operation.find { it.name == 'image-consent-summary' }.definition"))
				.isEqualTo(base + "image-consent-summary");
		for (String id : List.of("consent-decision", "image-consent-summary", "deidentify")) {
			fhir().get("/OperationDefinition?url=" + base + id).then().statusCode(200)
					.body("total", equalTo(1))
					.body("entry[0].resource.parameter.findAll { it.use == 'out' }", org.hamcrest.Matchers.not(org.hamcrest.Matchers.empty()));
		}
	}

	private JsonPath decide(String media, String purpose) {
		return fhir().queryParam("purpose", purpose).get("/Media/" + media + "/$consent-decision")
				.then().statusCode(200).extract().jsonPath();
	}

	private static String value(JsonPath parameters, String name, String valuePath) {
		return parameters.getString("parameter.find { it.name == '" + name + "' }." + valuePath);
	}

	private static String grantDecision(JsonPath summary, String use, String identifiability) {
		return summary.getString("parameter.findAll { it.name == 'grant' }.find { g -> "
				+ "g.part.find { it.name == 'purpose' }.valueCoding.code == '" + use + "' && "
				+ "g.part.find { it.name == 'identifiability' }.valueCoding.code == '" + identifiability + "' }"
				+ ".part.find { it.name == 'decision' }.valueCode");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private String media(String identifiability, String extraFields) {
		String security = identifiability == null ? "" : ",\"security\":[{\"system\":\"" + IDENTIFIABILITY + "\",\"code\":\""
				+ identifiability + "\"}]";
		return "{\"resourceType\":\"Media\",\"meta\":{\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag
				+ "\"}]" + security + "}" + extraFields + ",\"status\":\"completed\","
				+ "\"subject\":{\"reference\":\"Patient/" + patient + "\"},"
				+ "\"content\":{\"contentType\":\"image/jpeg\",\"data\":\"AAEC\"}}";
	}

	private String typicalConsent(String status) {
		return "{\"resourceType\":\"Consent\"," + metaWithTestTag() + ",\"status\":\"" + status + "\","
				+ "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
				+ "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]},"
				+ "{\"coding\":[{\"system\":\"https://dermconsent.org/fhir/CodeSystem/consent-category\",\"code\":\"derm-image-use\"}]}],"
				+ "\"patient\":{\"reference\":\"Patient/" + patient + "\"},\"dateTime\":\"2026-01-15T10:00:00Z\","
				+ "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},"
				+ "\"provision\":{\"type\":\"deny\",\"provision\":["
				+ "{\"type\":\"permit\",\"purpose\":[" + use("ai-training") + "," + use("education") + "],"
				+ "\"securityLabel\":[{\"system\":\"" + IDENTIFIABILITY + "\",\"code\":\"deidentified\"}]},"
				+ "{\"type\":\"deny\",\"purpose\":[" + use("publication") + "],"
				+ "\"securityLabel\":[{\"system\":\"" + IDENTIFIABILITY + "\",\"code\":\"identifiable\"}]}]}}";
	}

	private static String use(String code) {
		return "{\"system\":\"" + IMAGE_USE + "\",\"code\":\"" + code + "\"}";
	}
}
