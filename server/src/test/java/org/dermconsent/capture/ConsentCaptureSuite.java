package org.dermconsent.capture;

import io.restassured.path.json.JsonPath;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Consent capture over HTTP (DESIGN 10): {@code QuestionnaireResponse/$extract} turns the answers
 * to {@code Questionnaire/derm-image-consent} into a transaction Bundle, and posting that Bundle
 * makes the new consent govern the patient's images. Run on H2 and PostgreSQL.
 */
abstract class ConsentCaptureSuite extends FhirApi {

	static final String QUESTIONNAIRE = "https://dermconsent.org/fhir/Questionnaire/derm-image-consent";
	static final List<String> USES = List.of("care-team-sharing", "education", "publication", "conference", "ai-training", "research");
	static final List<String> IDENTIFIABILITIES = List.of("identifiable", "deidentified");

	private String patient;

	@BeforeEach
	void aPatient() {
		patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
	}

	static Stream<Arguments> everyQuestion() {
		return USES.stream().flatMap(use -> IDENTIFIABILITIES.stream().map(identifiability -> Arguments.of(use, identifiability)));
	}

	@ParameterizedTest(name = "{0}/{1}")
	@MethodSource("everyQuestion")
	void aYesBecomesOnePermitWithThatPurposeAndLabel(String use, String identifiability) {
		Map<String, Object> answers = new LinkedHashMap<>();
		everyQuestion().forEach(question -> {
			String linkId = question.get()[0] + "/" + question.get()[1];
			answers.put(linkId, linkId.equals(use + "/" + identifiability));
		});
		JsonPath bundle = extract(response(patient, answers)).then().statusCode(200).extract().jsonPath();
		assertThat(permits(bundle)).containsExactly(use + "/" + identifiability);
	}

	static Stream<Arguments> combinations() {
		return Stream.of(
				Arguments.of(List.of(), "nothing"),
				Arguments.of(List.of("ai-training/deidentified", "research/deidentified", "education/deidentified"), "typical respondent"),
				Arguments.of(List.of("education/identifiable", "education/deidentified", "publication/identifiable"), "teaching and print"),
				Arguments.of(everyQuestion().map(q -> q.get()[0] + "/" + q.get()[1]).toList(), "everything"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("combinations")
	void combinationsOfAnswersBecomeTheirPermitsInTheFormsOrder(List<String> yes, String name) {
		Map<String, Object> answers = new LinkedHashMap<>();
		yes.forEach(linkId -> answers.put(linkId, true));
		answers.put("conference/identifiable", yes.contains("conference/identifiable")); // an explicit no among them
		JsonPath bundle = extract(response(patient, answers)).then().statusCode(200).extract().jsonPath();
		List<String> formOrder = everyQuestion().map(q -> q.get()[0] + "/" + q.get()[1]).filter(yes::contains).toList();
		assertThat(permits(bundle)).containsExactlyElementsOf(formOrder);
	}

	@Test
	void theBundleStoresTheResponseAndTheConsentItMeans() {
		String end = LocalDate.now(ZoneOffset.UTC).plusYears(2).toString();
		Map<String, Object> answers = new LinkedHashMap<>();
		answers.put("ai-training/deidentified", true);
		answers.put("period-end", LocalDate.parse(end));
		JsonPath bundle = extract(response(patient, answers)).then().statusCode(200)
				.body("resourceType", equalTo("Bundle")).body("type", equalTo("transaction"))
				.body("entry", hasSize(2)).extract().jsonPath();
		assertThat(bundle.getString("entry[0].request.method")).isEqualTo("POST");
		assertThat(bundle.getString("entry[0].request.url")).isEqualTo("QuestionnaireResponse");
		assertThat(bundle.getString("entry[0].resource.resourceType")).isEqualTo("QuestionnaireResponse");
		assertThat(bundle.getString("entry[1].request.url")).isEqualTo("Consent");
		assertThat(bundle.getString("entry[1].resource.sourceReference.reference")).isEqualTo(bundle.getString("entry[0].fullUrl"))
				.startsWith("urn:uuid:");
		assertThat(bundle.getString("entry[1].resource.patient.reference")).isEqualTo(patient);
		assertThat(bundle.getString("entry[1].resource.status")).isEqualTo("active");
		assertThat(bundle.getString("entry[1].resource.provision.type")).isEqualTo("deny");
		assertThat(bundle.getString("entry[1].resource.provision.provision[0].period.end")).isEqualTo(end);
		assertThat(bundle.getString("entry[1].resource.dateTime")).startsWith(LocalDate.now(ZoneOffset.UTC).toString().substring(0, 4));

		// the extracted Consent validates against derm-image-consent, as the server checks it when it is posted
		JsonPath outcome = fhir().body(consentJson(bundle))
				.post("/Consent/$validate?profile=https://dermconsent.org/fhir/StructureDefinition/derm-image-consent")
				.then().statusCode(200).extract().jsonPath();
		assertThat(outcome.getList("issue.findAll { it.severity == 'error' || it.severity == 'fatal' }.diagnostics")).isEmpty();
	}

	@Test
	void theResponseMayComeAsAParametersBody() {
		String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"questionnaire-response\",\"resource\":"
				+ response(patient, Map.of("research/identifiable", true)) + "}]}";
		JsonPath bundle = extract(parameters).then().statusCode(200).extract().jsonPath();
		assertThat(permits(bundle)).containsExactly("research/identifiable");
	}

	static Stream<Arguments> invalidResponses() {
		String past = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
		return Stream.of(
				Arguments.of("unknown linkId", answersJson(Map.of("selling/identifiable", true)), "Unknown item linkId"),
				Arguments.of("wrong questionnaire", "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\","
						+ "\"questionnaire\":\"https://example.org/Questionnaire/x\",\"subject\":{\"reference\":\"Patient/p\"}}", "questionnaire must be"),
				Arguments.of("non-boolean answer", "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"questionnaire\":\""
						+ QUESTIONNAIRE + "\",\"subject\":{\"reference\":\"Patient/p\"},\"item\":[{\"linkId\":\"education/identifiable\","
						+ "\"answer\":[{\"valueString\":\"yes\"}]}]}", "takes a boolean answer"),
				Arguments.of("no subject", "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"questionnaire\":\""
						+ QUESTIONNAIRE + "\"}", "subject must be"),
				Arguments.of("period end in the past", answersJson(Map.of("period-end", LocalDate.parse(past))), "in the past"),
				Arguments.of("not completed", "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\""
						+ QUESTIONNAIRE + "\",\"subject\":{\"reference\":\"Patient/p\"}}", "status must be completed"),
				Arguments.of("another resource", "{\"resourceType\":\"Patient\"}", "Expected a QuestionnaireResponse"),
				Arguments.of("empty Parameters", "{\"resourceType\":\"Parameters\"}", "Expected a QuestionnaireResponse"),
				Arguments.of("two responses", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"questionnaire-response\","
						+ "\"resource\":" + answersJson(Map.of()) + "},{\"name\":\"questionnaire-response\",\"resource\":"
						+ answersJson(Map.of()) + "}]}", "got several"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidResponses")
	void invalidResponsesAre422(String name, String body, String message) {
		extract(body).then().statusCode(422).body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].diagnostics", containsString(message));
	}

	@Test
	void postingTheBundleMakesTheNewConsentGovern() {
		String photo = create("Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		String derivative = create("Media", DermJson.media(testTag, patient, "deidentified", null, DermJson.derivedFrom("Media/" + photo)));
		assertThat(decision(derivative, "ai-training")).isEqualTo("deny");
		assertThat(aiTrainingSearch()).isEmpty();

		String yes = postExtracted(Map.of("ai-training/deidentified", true));
		assertThat(decision(derivative, "ai-training")).isEqualTo("permit");
		assertThat(fhir().get("/Media/" + derivative + "/$consent-decision?purpose=ai-training").then().extract().jsonPath()
				.getString("parameter.find { it.name == 'consent' }.valueReference.reference")).isEqualTo(yes);
		assertThat(decision(photo, "ai-training")).isEqualTo("deny");
		assertThat(decision(derivative, "research")).isEqualTo("deny");
		assertThat(aiTrainingSearch()).containsExactly(derivative);

		// the consent's source is the stored response
		String source = fhir().get("/" + yes).then().statusCode(200).extract().jsonPath().getString("sourceReference.reference");
		assertThat(source).startsWith("QuestionnaireResponse/");
		fhir().get("/" + source).then().statusCode(200).body("subject.reference", equalTo(patient));

		// answering again with no yes withdraws it, for the very next request
		postExtracted(Map.of("ai-training/deidentified", false));
		assertThat(decision(derivative, "ai-training")).isEqualTo("deny");
		assertThat(aiTrainingSearch()).isEmpty();
	}

	@Test
	void aBundleForAPatientWhoDoesNotExistStoresNothing() {
		String nobody = "Patient/nobody-" + testTag;
		String bundle = extract(response(nobody, Map.of("research/deidentified", true))).then().statusCode(200).extract().asString();
		int status = fhir().body(bundle).post("").then().body("resourceType", equalTo("OperationOutcome")).extract().statusCode();
		assertThat(status).isBetween(400, 499);
		fhir().get("/QuestionnaireResponse?subject=" + nobody).then().statusCode(200).body("entry", equalTo(null));
		fhir().get("/Consent?patient=" + nobody).then().statusCode(200).body("entry", equalTo(null));
	}

	@Test
	void theQuestionnaireIsServed() {
		fhir().get("/Questionnaire?url=" + QUESTIONNAIRE).then().statusCode(200)
				.body("entry", hasSize(1)).body("entry[0].resource.item", hasSize(14));
	}

	@Test
	void theCapabilityStatementRefersToTheCanonicalDefinition() {
		JsonPath metadata = fhir().get("/metadata").then().statusCode(200).extract().jsonPath();
		assertThat(metadata.getString("rest[0].resource.find { it.type == 'QuestionnaireResponse' }.operation.find { it.name == 'extract' }.definition"))
				.isEqualTo("https://dermconsent.org/fhir/OperationDefinition/extract");
		fhir().get("/OperationDefinition?url=https://dermconsent.org/fhir/OperationDefinition/extract").then().statusCode(200)
				.body("entry", hasSize(1));
	}

	/** Extracts, posts the Bundle as a transaction and answers the new Consent's reference. */
	private String postExtracted(Map<String, Object> answers) {
		String bundle = extract(response(patient, answers)).then().statusCode(200).extract().asString();
		JsonPath posted = fhir().body(bundle).post("").then().statusCode(200)
				.body("type", equalTo("transaction-response")).extract().jsonPath();
		String location = posted.getString("entry[1].response.location");
		assertThat(location).startsWith("Consent/");
		return location.replaceFirst("/_history/.*$", "");
	}

	private String decision(String media, String purpose) {
		return fhir().get("/Media/" + media + "/$consent-decision?purpose=" + purpose).then().statusCode(200).extract()
				.jsonPath().getString("parameter.find { it.name == 'decision' }.valueCode");
	}

	private List<String> aiTrainingSearch() {
		return fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.extract().jsonPath().getList("entry.resource.id", String.class);
	}

	private io.restassured.response.Response extract(String body) {
		return fhir().body(body).post("/QuestionnaireResponse/$extract");
	}

	private String create(String type, String json) {
		String location = fhir().body(json).post("/" + type).then().statusCode(201).extract().header("Location");
		return location.replaceFirst("^.*/" + type + "/", "").replaceFirst("/_history/.*$", "");
	}

	private static String consentJson(JsonPath bundle) {
		return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(bundle.getMap("entry[1].resource")).toString();
	}

	/** A completed response about {@code patient}: booleans, and a LocalDate for period-end. */
	static String response(String patient, Map<String, Object> answers) {
		return "{\"resourceType\":\"QuestionnaireResponse\",\"questionnaire\":\"" + QUESTIONNAIRE + "\",\"status\":\"completed\","
				+ "\"subject\":{\"reference\":\"" + patient + "\"},\"item\":[" + items(answers) + "]}";
	}

	private static String answersJson(Map<String, Object> answers) {
		return response("Patient/p", answers);
	}

	private static String items(Map<String, Object> answers) {
		List<String> items = new ArrayList<>();
		answers.forEach((linkId, value) -> items.add("{\"linkId\":\"" + linkId + "\",\"answer\":[{"
				+ (value instanceof LocalDate date ? "\"valueDate\":\"" + date + "\"" : "\"valueBoolean\":" + value) + "}]}"));
		return String.join(",", items);
	}

	private static List<String> permits(JsonPath bundle) {
		List<Map<String, Object>> provisions = bundle.getList("entry[1].resource.provision.provision");
		if (provisions == null) {
			return List.of();
		}
		return provisions.stream().map(p -> {
			assertThat(p.get("type")).isEqualTo("permit");
			@SuppressWarnings("unchecked")
			Map<String, Object> purpose = ((List<Map<String, Object>>) p.get("purpose")).get(0);
			@SuppressWarnings("unchecked")
			Map<String, Object> label = ((List<Map<String, Object>>) p.get("securityLabel")).get(0);
			return purpose.get("code") + "/" + label.get("code");
		}).collect(Collectors.toList());
	}
}
