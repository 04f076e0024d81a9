package org.dermconsent.enforcement;

import org.dermconsent.consent.GrantLabels;

import org.dermconsent.access.RequestPurpose;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.enforcement.index.GrantRefresher;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Image searches filtered by consent inside the query: full pages, exact totals, the next request
 * after a consent change already answers under the new consent. Runs once per database.
 */
abstract class SearchFilterSuite extends FhirApi {

	@Autowired
	GrantRefresher refresher;

	@Autowired
	DataSource dataSource;

	private String allowing;
	private String refusing;
	private final List<String> permitted = new ArrayList<>();
	private final List<String> denied = new ArrayList<>();

	/** 7 de-identified images of a patient who allows de-identified AI training, 11 images that may not be used. */
	@BeforeEach
	void twoPatients() {
		allowing = patient();
		refusing = patient();
		consentToTraining(allowing);
		for (int i = 0; i < 7; i++) {
			permitted.add(create("Media", DermJson.media(testTag, allowing, "deidentified", null, "")));
		}
		for (int i = 0; i < 4; i++) {
			denied.add(create("Media", DermJson.media(testTag, allowing, "identifiable", null, "")));
		}
		for (int i = 0; i < 7; i++) {
			denied.add(create("Media", DermJson.media(testTag, refusing, "deidentified", null, "")));
		}
	}

	@Test
	void everyPageButTheLastIsFullAndTheWalkFindsExactlyThePermittedImages() {
		List<Integer> pageSizes = new ArrayList<>();
		List<String> seen = new ArrayList<>();
		JsonPath page = aiTraining().get("/Media?_tag=" + tagQuery() + "&_count=3").then().statusCode(200).extract().jsonPath();
		for (int pages = 0; pages < 10; pages++) {
			List<String> ids = page.getList("entry.resource.id", String.class);
			pageSizes.add(ids.size());
			seen.addAll(ids);
			String next = page.getString("link.find { it.relation == 'next' }.url");
			if (next == null) {
				break;
			}
			page = nextPage().header(RequestPurpose.HEADER, "ai-training").get(next).then().statusCode(200).extract().jsonPath();
		}
		assertThat(pageSizes).containsExactly(3, 3, 1);
		assertThat(seen).containsExactlyInAnyOrderElementsOf(permitted);
	}

	@Test
	void aClientSentJoinOrderCodeGrantsNothing() {
		// more images carry the AI-training grant than this test's tag, so on H2 the search starts from the tag
		// and offers the label's join-order code as an alternative (SearchPurposeFilter.JOIN_LATER)
		String elsewhere = "elsewhere-" + testTag;
		for (int i = 0; i < 20; i++) {
			create("Media", DermJson.media(elsewhere, allowing, "deidentified", null, ""));
		}
		String sneaky = create("Media", DermJson.media(testTag, refusing, "deidentified", null, "").replace("\"security\":[",
				"\"security\":[{\"system\":\"" + GrantLabels.SYSTEM + "\",\"code\":\"" + SearchPurposeFilter.JOIN_LATER + "\"},"));

		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().statusCode(200).body("total", equalTo(7));
		List<String> shown = aiTraining().get("/Media?_tag=" + tagQuery() + "&_count=50").then().statusCode(200)
				.extract().jsonPath().getList("entry.resource.id", String.class);
		assertThat(shown).containsExactlyInAnyOrderElementsOf(permitted).doesNotContain(sneaky);
	}

	@Test
	void tagSearchesFindTheTagsAnImageKeepsAcrossUpdates() {
		// an update that leaves meta.tag out keeps the image's tags, one that names another tag adds it
		String image = permitted.get(0);
		String moved = "moved-" + testTag;
		String withoutTags = DermJson.withId(DermJson.media(testTag, allowing, "deidentified", null, ""), image)
				.replace("\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag + "\"}],", "")
				.replace("\"status\":\"completed\"", "\"status\":\"completed\",\"note\":[{\"text\":\"retaken\"}]");
		fhir().body(withoutTags).put("/Media/" + image).then().statusCode(200);
		fhir().body(DermJson.withId(DermJson.media(moved, allowing, "deidentified", null, ""), image))
				.put("/Media/" + image).then().statusCode(200);

		String movedQuery = "urn:dermconsent:test|" + moved;
		assertThat(aiTraining().get("/Media?_tag=" + tagQuery() + "&_count=50").then().statusCode(200)
				.extract().jsonPath().getList("entry.resource.id", String.class)).containsExactlyInAnyOrderElementsOf(permitted);
		aiTraining().get("/Media?_tag=" + movedQuery).then().statusCode(200).body("entry.resource.id", equalTo(List.of(image)));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_tag=" + movedQuery + "&_summary=count").then().body("total", equalTo(1));
		aiTraining().get("/Media?_tag=" + tagQuery() + "," + movedQuery + "&_summary=count").then().body("total", equalTo(7));
		fhir().header(RequestPurpose.HEADER, "education").get("/Media?_tag=" + movedQuery + "&_summary=count")
				.then().body("total", equalTo(0));
	}

	@Test
	void totalsCountOnlyPermittedImages() {
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_total=accurate&_count=2").then().statusCode(200)
				.body("total", equalTo(7));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().statusCode(200)
				.body("total", equalTo(7));
		fhir().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().statusCode(200)
				.body("total", equalTo(18));
		fhir().header(RequestPurpose.HEADER, "education").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(0));
	}

	@Test
	void otherSearchParametersCombineWithTheFilter() {
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_id=" + permitted.get(0) + "," + denied.get(0) + "&_summary=count")
				.then().body("total", equalTo(1));
		fhir().get("/Media?_tag=" + tagQuery() + "&subject=" + refusing + "&_summary=count").then().body("total", equalTo(7));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_security=" + DermJson.IDENTIFIABILITY + "|identifiable&_summary=count")
				.then().body("total", equalTo(0));
		aiTraining().get("/Media?_id=" + permitted.get(0) + "," + denied.get(0)).then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(permitted.get(0))));
	}

	@Test
	void bodySiteImageTypeAndDateCombineWithTheFilter() {
		String forearmDermoscopyOf2024 = ",\"bodySite\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"77568009\"}]}"
				+ ",\"extension\":[{\"url\":\"https://dermconsent.org/fhir/StructureDefinition/image-type\",\"valueCodeableConcept\":"
				+ "{\"coding\":[{\"system\":\"https://dermconsent.org/fhir/CodeSystem/image-type\",\"code\":\"dermoscopic\"}]}}]"
				+ ",\"createdDateTime\":\"2024-05-01\"";
		String mayBeUsed = create("Media", DermJson.media(testTag, allowing, "deidentified", null, forearmDermoscopyOf2024));
		create("Media", DermJson.media(testTag, allowing, "identifiable", null, forearmDermoscopyOf2024));
		create("Media", DermJson.media(testTag, refusing, "deidentified", null, forearmDermoscopyOf2024));

		String site = "&site=http://snomed.info/sct|77568009";
		String imageType = "&image-type=https://dermconsent.org/fhir/CodeSystem/image-type|dermoscopic";
		String date = "&created=2024-05-01";
		for (String criteria : List.of(site, imageType, date, site + imageType + date)) {
			aiTraining().get("/Media?_tag=" + tagQuery() + criteria).then().statusCode(200)
					.body("entry.resource.id", equalTo(List.of(mayBeUsed)));
			aiTraining().get("/Media?_tag=" + tagQuery() + criteria + "&_summary=count").then().body("total", equalTo(1));
			fhir().get("/Media?_tag=" + tagQuery() + criteria + "&_summary=count").then().body("total", equalTo(3));
		}
		aiTraining().get("/Media?_tag=" + tagQuery() + "&created=2023-01-01&_summary=count").then().body("total", equalTo(0));
	}

	@Test
	void fullTextSearchCombinesWithTheFilter() {
		String word = "naevus" + testTag.replace("-", "").substring(2, 12);
		List<String> titled = new ArrayList<>();
		for (String patient : List.of(allowing, refusing)) {
			titled.add(create("Media", DermJson.media(testTag, patient, "deidentified", null, "")
					.replace("\"contentType\":\"image/jpeg\",", "\"contentType\":\"image/jpeg\",\"title\":\"" + word + " left arm\",")));
		}
		fhir().get("/Media?_content=" + word).then().body("entry.resource.id",
				org.hamcrest.Matchers.containsInAnyOrder(titled.toArray()));
		aiTraining().get("/Media?_content=" + word).then().body("entry.resource.id", equalTo(List.of(titled.get(0))));
		aiTraining().get("/Media?_content=" + word + "&_count=1").then()
				.body("entry.resource.id", equalTo(List.of(titled.get(0))))
				.body("link.relation", not(hasItem("next")));
		// HAPI would count these in the full-text index, without any other criterion: refused
		aiTraining().get("/Media?_content=" + word + "&_summary=count").then().statusCode(400);
		aiTraining().get("/Media?_content=" + word + "&_total=accurate").then().statusCode(400);
	}

	@Test
	void aWithdrawalIsInForceForTheVeryNextRequest() {
		String consent = fhir().get("/Consent?patient=" + allowing).then().extract().path("entry[0].resource.id");
		withdrawTraining(allowing, consent);

		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(0));
		aiTraining().get("/Media?_tag=" + tagQuery()).then().body("entry", equalTo(null));
		aiTraining().get("/Media/" + permitted.get(0)).then().statusCode(403);
	}

	@Test
	void aWithdrawalBetweenPagesKeepsTheRestOfTheSearchFromShowingTheImages() {
		// a second patient's permitted images, so that the search outlives the withdrawal with something to show
		String other = patient();
		consentToTraining(other);
		List<String> others = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			others.add(create("Media", DermJson.media(testTag, other, "deidentified", null, "")));
		}
		JsonPath page = aiTraining().get("/Media?_tag=" + tagQuery() + "&_count=2&_sort=_lastUpdated").then().statusCode(200)
				.extract().jsonPath();
		List<String> seen = new ArrayList<>(page.getList("entry.resource.id", String.class));
		String consent = fhir().get("/Consent?patient=" + allowing).then().extract().path("entry[0].resource.id");
		withdrawTraining(allowing, consent);

		List<String> after = new ArrayList<>();
		for (int pages = 0; pages < 10; pages++) {
			String next = page.getString("link.find { it.relation == 'next' }.url");
			if (next == null) {
				break;
			}
			page = nextPage().header(RequestPurpose.HEADER, "ai-training").get(next).then().statusCode(200).extract().jsonPath();
			after.addAll(page.getList("entry.resource.id", String.class));
		}
		assertThat(seen).hasSize(2).isSubsetOf(permitted);
		assertThat(after).containsExactlyInAnyOrderElementsOf(others);
	}

	@Test
	void aNewGrantIsInForceForTheVeryNextRequest() {
		create("Consent", DermJson.consent(testTag, refusing, "active", List.of(DermJson.permit("secondary-use", null, null, null))));

		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(14));
		fhir().header(RequestPurpose.HEADER, "publication").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(7));
	}

	@Test
	void aTransactionWithPatientConsentAndImagesIsIndexedAsAWhole() {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:p1\",\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"fullUrl\":\"urn:uuid:m1\",\"resource\":" + DermJson.media(testTag, "urn:uuid:p1", "deidentified", null, "")
				+ ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}},"
				+ "{\"fullUrl\":\"urn:uuid:c1\",\"resource\":" + DermJson.consent(testTag, "urn:uuid:p1", "active",
						List.of(DermJson.permit("research", null, null, null)))
				+ ",\"request\":{\"method\":\"POST\",\"url\":\"Consent\"}}]}";
		fhir().body(bundle).post("/").then().statusCode(200);

		fhir().header(RequestPurpose.HEADER, "research").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(1));
	}

	/** HAPI stores a transaction's POSTs in bundle order: the second image is labelled after the consent was written. */
	@Test
	void aConsentWrittenBetweenTwoImagesOfATransactionDecidesBoth() {
		String tag = testTag + "-between";
		String bundle = DermJson.transaction(
				newImageEntry(tag, refusing),
				DermJson.entry("POST", "Consent", trainingConsent(refusing, "active")),
				newImageEntry(tag, refusing));
		fhir().body(bundle).post("/").then().statusCode(200);

		aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(2));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(14));
	}

	/** HAPI stores a transaction's PUTs after its POSTs: the images are labelled while the old consent still permits. */
	@Test
	void aWithdrawalInTheTransactionThatWritesImagesAppliesToThem() {
		String patient = patient();
		String consentId = consentToTraining(patient);
		String tag = testTag + "-withdrawn";
		String bundle = DermJson.transaction(
				newImageEntry(tag, patient),
				newImageEntry(tag, patient),
				DermJson.entry("PUT", "Consent/" + consentId, withdrawnTrainingConsent(patient, consentId)));
		fhir().body(bundle).post("/").then().statusCode(200);

		fhir().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(2));
		aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(0));
	}

	/**
	 * A consent whose labels no image of the database has yet (a period ending at an instant of its own)
	 * relabels all of the patient's images in one commit: the first image's write makes the new label,
	 * and the others find it (HAPI would otherwise store the same label once per image).
	 */
	@Test
	void aConsentWithLabelsNeverWrittenBeforeRelabelsAllThePatientsImagesWithOneOfEach() {
		String patient = patient();
		String tag = testTag + "-new-label";
		for (int i = 0; i < 3; i++) {
			create("Media", DermJson.media(tag, patient, "deidentified", null, ""));
		}
		// inclusive at its precision (seconds), so the label holds until a second later
		String periodEnd = Instant.parse("2090-01-01T00:00:00Z")
				.plusSeconds(java.util.concurrent.ThreadLocalRandom.current().nextLong(300_000_000L)).toString();
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, periodEnd))));

		aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(3));
		assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM HFJ_TAG_DEF WHERE TAG_SYSTEM = ? AND TAG_CODE = ?",
				Long.class, GrantLabels.SYSTEM, "valid-until=" + Instant.parse(periodEnd).plusSeconds(1))).isEqualTo(1L);
	}

	/**
	 * A derivative answers to its source's patient wherever it is filed: filed under another patient
	 * (who consents to nothing), it is permitted while the source's patient consents, and a withdrawal
	 * by the source's patient reaches it at once, by search, by read and by history.
	 */
	@Test
	void aDerivativeFiledUnderAnotherPatientFollowsItsSourcePatientsWithdrawal() {
		String patient = patient();
		String other = patient();
		String consentId = consentToTraining(patient);
		String tag = testTag + "-derivative";
		String photo = create("Media", DermJson.media(tag, patient, "identifiable", null, ""));
		String derivative = create("Media", DermJson.media(tag, other, "deidentified", null, DermJson.derivedFrom("Media/" + photo)));
		aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag).then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(derivative)));

		withdrawTraining(patient, consentId);

		aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(0));
		aiTraining().get("/Media/" + derivative).then().statusCode(403);
		aiTraining().get("/Media/" + derivative + "/_history/1").then().statusCode(403);
		aiTraining().get("/Media/" + derivative + "/_history").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(derivative)));
	}

	/**
	 * HAPI deletes before it creates: the images of a bundle that also deletes their patient's only
	 * permitting consent are labelled without it, and one read of them for training is refused too.
	 */
	@Test
	void aConsentDeletedInTheTransactionThatWritesImagesPermitsNoneOfThem() {
		String patient = patient();
		String consentId = consentToTraining(patient);
		String tag = testTag + "-deleted";
		String bundle = DermJson.transaction(
				newImageEntry(tag, patient),
				"{\"request\":{\"method\":\"DELETE\",\"url\":\"Consent/" + consentId + "\"}}",
				newImageEntry(tag, patient));
		List<String> locations = fhir().body(bundle).post("/").then().statusCode(200).extract()
				.jsonPath().getList("entry.response.location", String.class);

		fhir().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(2));
		aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(0));
		String image = locations.stream().filter(location -> location.startsWith("Media/")).findFirst().orElseThrow()
				.split("/_history")[0];
		aiTraining().get("/" + image).then().statusCode(403);
	}

	@Test
	void aDeniedClinicalCareIsFilteredToo() {
		create("Consent", DermJson.consent(testTag, refusing, "active", List.of(DermJson.deny("clinical-care"))));

		fhir().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(11));
	}

	@Test
	void anEndedPeriodLeavesTheIndexAtTheNextRefreshAndTheGuardAtOnce() throws InterruptedException {
		Instant end = Instant.now().plusSeconds(3);
		create("Consent", DermJson.consent(testTag, refusing, "active",
				List.of(DermJson.permit("education", null, null, end.toString()))));
		RequestSpecification education = fhir().header(RequestPurpose.HEADER, "education");
		education.get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(7));

		Thread.sleep(Math.max(0, end.toEpochMilli() - System.currentTimeMillis()) + 200);
		fhir().header(RequestPurpose.HEADER, "education").get("/Media/" + denied.get(5)).then().statusCode(403);
		refresher.refreshDue();

		fhir().header(RequestPurpose.HEADER, "education").get("/Media?_tag=" + tagQuery() + "&_summary=count")
				.then().body("total", equalTo(0));
	}

	@Test
	void grantLabelsAreNeverShownAndCannotBeSetByClients() {
		fhir().get("/Media/" + permitted.get(0)).then().statusCode(200)
				.body("meta.security.system", not(hasItem(DermJson.GRANTED_USE)));
		fhir().get("/Media?_tag=" + tagQuery()).then()
				.body("entry.resource.meta.security.flatten().system", not(hasItem(DermJson.GRANTED_USE)));

		String selfGranted = DermJson.media(testTag, refusing, "deidentified", null, "")
				.replace("\"security\":[", "\"security\":[{\"system\":\"" + DermJson.GRANTED_USE + "\",\"code\":\"ai-training\"},");
		String id = create("Media", selfGranted);
		aiTraining().get("/Media?_id=" + id + "&_summary=count").then().body("total", equalTo(0));
		aiTraining().get("/Media/" + id).then().statusCode(403);
	}

	@Test
	void probesOfImagePropertiesAreRefused() {
		for (String probe : List.of(
				"/Patient?_has:Media:subject:_tag=" + tagQuery(),
				"/Provenance?target:Media.created=ge2020",
				"/Consent?data.created=ge2020",
				"/Media?derived-from.created=ge2020",
				"/Media?_security=" + DermJson.GRANTED_USE + "|research")) {
			aiTraining().get(probe).then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
		}
		fhir().get("/Media?subject:Patient.gender=female").then().statusCode(200);
	}

	@Test
	void metaOperationsAreRefused() {
		aiTraining().get("/Media/" + permitted.get(0) + "/$meta").then().statusCode(400);
		String meta = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{\"security\":[{\"system\":\""
				+ DermJson.GRANTED_USE + "\",\"code\":\"ai-training\"}]}}]}";
		fhir().body(meta).post("/Media/" + denied.get(0) + "/$meta-add").then().statusCode(400)
				.body("issue[0].diagnostics", containsString("not supported"));
		aiTraining().get("/Media/" + denied.get(0)).then().statusCode(403);
	}

	@Test
	void pagesStayConsistentWithNoDuplicates() {
		Set<String> ids = new HashSet<>();
		int total = 0;
		JsonPath page = fhir().get("/Media?_tag=" + tagQuery() + "&_count=4").then().extract().jsonPath();
		for (int pages = 0; pages < 10 && page != null; pages++) {
			List<String> pageIds = page.getList("entry.resource.id", String.class);
			total += pageIds.size();
			ids.addAll(pageIds);
			String next = page.getString("link.find { it.relation == 'next' }.url");
			page = next == null ? null : nextPage().get(next).then().statusCode(200).extract().jsonPath();
		}
		assertThat(total).isEqualTo(18);
		assertThat(ids).hasSize(18);
	}

	private RequestSpecification aiTraining() {
		return fhir().header(RequestPurpose.HEADER, "ai-training");
	}

	/** Paging links are absolute and already encoded. */
	private RequestSpecification nextPage() {
		return io.restassured.RestAssured.given().accept(FHIR_JSON).urlEncodingEnabled(false);
	}

	private String patient() {
		return "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
	}

	/** A transaction entry creating a de-identified image of the patient, tagged {@code tag}. */
	private String newImageEntry(String tag, String patient) {
		return DermJson.entry("POST", "Media", DermJson.media(tag, patient, "deidentified", null, ""));
	}

	/** Stores the patient's consent to de-identified AI training; returns its id. */
	private String consentToTraining(String patient) {
		return create("Consent", trainingConsent(patient, "active"));
	}

	/** The patient's consent to de-identified AI training, in force while {@code status} is active. */
	private String trainingConsent(String patient, String status) {
		return DermJson.consent(testTag, patient, status, List.of(DermJson.permit("ai-training", "deidentified", null, null)));
	}

	/** The update of consent {@code consentId} that withdraws it (status inactive). */
	private String withdrawnTrainingConsent(String patient, String consentId) {
		return DermJson.withId(trainingConsent(patient, "inactive"), consentId);
	}

	private void withdrawTraining(String patient, String consentId) {
		fhir().body(withdrawnTrainingConsent(patient, consentId)).put("/Consent/" + consentId).then().statusCode(200);
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
