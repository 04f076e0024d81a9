package org.dermconsent.conformance;

import org.dermconsent.support.DermExamples;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** The search parameters research platforms use to curate image datasets. */
@H2ServerTest
class DatasetSearchParametersTest extends FhirApi {

	/** Other tests share the database: look among the examples' images only. */
	private static final String OF_EXAMPLE_PATIENT = "subject=Patient/derm-example";

	private static final List<String> EXAMPLE_IMAGES = List.of(
			"derm-clinical-photo", "derm-dermoscopic", "derm-dermoscopic-deidentified", "derm-tbp-tile");
	private static final List<String> EXAMPLE_CONSENTS = List.of("derm-consent-typical", "derm-consent-with-exceptions");

	@BeforeEach
	void storeExamples() {
		for (Path example : DermExamples.storable()) {
			String json = DermExamples.read(example);
			fhir().body(json).put("/" + DermExamples.resourceType(json) + "/" + DermExamples.id(json))
					.then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
		}
	}

	@Test
	void mediaByImageType() {
		fhir().get("/Media?image-type=https://dermconsent.org/fhir/CodeSystem/image-type|dermoscopic&" + OF_EXAMPLE_PATIENT).then().statusCode(200)
				.body("entry.resource.id", hasItem("derm-dermoscopic"))
				.body("entry.resource.id", not(hasItem("derm-clinical-photo")));
	}

	@Test
	void mediaByIdentifiability() {
		fhir().get("/Media?identifiability=deidentified&" + OF_EXAMPLE_PATIENT).then().statusCode(200)
				.body("entry.resource.id", hasItem("derm-dermoscopic-deidentified"))
				.body("entry.resource.id", not(hasItem("derm-dermoscopic")));
		fhir().get("/Media?_security=https://dermconsent.org/fhir/CodeSystem/identifiability|deidentified&" + OF_EXAMPLE_PATIENT).then()
				.body("entry.resource.id", hasItem("derm-dermoscopic-deidentified"))
				.body("entry.resource.id", not(hasItem("derm-dermoscopic")));
	}

	@Test
	void mediaByBodySiteAndFitzpatrickType() {
		fhir().get("/Media?site=http://snomed.info/sct|77568009&" + OF_EXAMPLE_PATIENT).then().statusCode(200)
				.body("entry.resource.id", hasItem("derm-dermoscopic"));
		fhir().get("/Media?fitzpatrick-skin-type=C74570&" + OF_EXAMPLE_PATIENT).then().statusCode(200)
				.body("entry.resource.id", hasItem("derm-dermoscopic"));

		// a site and skin types that no example image has find none of them
		findsNoExample("/Media?site=http://snomed.info/sct|46862004&" + OF_EXAMPLE_PATIENT, EXAMPLE_IMAGES);
		findsNoExample("/Media?fitzpatrick-skin-type=C74569&" + OF_EXAMPLE_PATIENT, EXAMPLE_IMAGES);
		findsNoExample("/Media?fitzpatrick-skin-type=http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl|C74574&"
				+ OF_EXAMPLE_PATIENT, EXAMPLE_IMAGES);
	}

	@Test
	void consentByPurposeOfNestedProvisions() {
		fhir().get("/Consent?derm-purpose=https://dermconsent.org/fhir/CodeSystem/image-use|ai-training&patient=Patient/derm-example").then().statusCode(200)
				.body("entry.resource.id", hasItem("derm-consent-typical"));

		// no example consent names conference
		findsNoExample("/Consent?derm-purpose=https://dermconsent.org/fhir/CodeSystem/image-use|conference&patient=Patient/derm-example",
				EXAMPLE_CONSENTS);
	}

	/** The search is understood (200) and none of the given example resources is among its results. */
	private void findsNoExample(String search, List<String> exampleIds) {
		List<String> found = fhir().get(search).then().statusCode(200).extract().path("entry.resource.id");
		assertThat(found == null ? List.<String>of() : found).as(search).doesNotContainAnyElementsOf(exampleIds);
	}
}
