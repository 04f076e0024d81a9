package org.dermconsent.enforcement;

import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.TagTypeEnum;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.PostgresServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** On PostgreSQL, consent-filtered searches find the client's tags through the tag index once it is complete. */
@PostgresServerTest
class PostgresTagIndexTest extends FhirApi {

	@Autowired
	PostgresTagIndex serversIndex;

	@Autowired
	DataSource dataSource;

	@Autowired
	PartitionSettings partitions;

	private String patient;
	private String image;

	/** A patient who allows de-identified AI training, and one image of theirs tagged with the test's tag. */
	@BeforeEach
	void permittedImage() {
		await().atMost(Duration.ofSeconds(60)).until(serversIndex::isComplete);
		patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active", List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		image = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
	}

	@Test
	void searchesUseTheIndexOnlyOnceNoTaggedImageIsMissingFromIt() {
		aiTraining().get("/Media?_tag=" + tagQuery()).then().statusCode(200).body("entry.resource.id", equalTo(List.of(image)));

		// an image stored before the parameter existed: its tags are in HFJ_RES_TAG only
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		PostgresTagIndex fresh = new PostgresTagIndex(dataSource, partitions, Duration.ofMinutes(1));
		int removed = jdbc.update("DELETE FROM HFJ_SPIDX_TOKEN WHERE SP_NAME = ? AND RES_TYPE = 'Media'"
				+ " AND RES_ID = (SELECT RES_ID FROM HFJ_RESOURCE WHERE RES_TYPE = 'Media' AND FHIR_ID = ?)", PostgresTagIndex.PARAMETER, image);
		assertThat(removed).isEqualTo(1);
		assertThat(fresh.checkCoverage()).isFalse();
		// the running server's searches do go through the index (a server that had not checked would keep _tag)
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(0));
		// a server that found the index incomplete keeps the search's _tag
		SearchParameterMap search = tagSearch();
		assertThat(fresh.searchClientTagsThere(search, List.of(List.of(clientTag())))).isFalse();
		assertThat(search.keySet()).containsExactly("_tag");

		fhir().body(DermJson.withId(DermJson.media(testTag, patient, "deidentified", null, ",\"note\":[{\"text\":\"retaken\"}]"), image))
				.put("/Media/" + image).then().statusCode(200);
		assertThat(fresh.checkCoverage()).isTrue();
		search = tagSearch();
		assertThat(fresh.searchClientTagsThere(search, List.of(List.of(clientTag())))).isTrue();
		assertThat(search.keySet()).containsExactly(PostgresTagIndex.PARAMETER);
		aiTraining().get("/Media?_tag=" + tagQuery()).then().statusCode(200).body("entry.resource.id", equalTo(List.of(image)));
	}

	@Test
	void aTagSearchFindsAnImageExactlyWhenItsReadShowsTheTag() {
		String other = "other-" + testTag;
		// deleted, then stored again under its id with another tag
		fhir().delete("/Media/" + image).then().statusCode(200);
		fhir().body(DermJson.withId(DermJson.media(other, patient, "deidentified", null, ""), image))
				.put("/Media/" + image).then().statusCode(201);

		List<String> tags = fhir().get("/Media/" + image).then().statusCode(200).extract().jsonPath()
				.getList("meta.tag.code", String.class);
		for (String tag : List.of(testTag, other)) {
			int expected = tags.contains(tag) ? 1 : 0;
			aiTraining().get("/Media?_tag=urn:dermconsent:test|" + tag + "&_summary=count").then().body("total", equalTo(expected));
		}
		assertThat(new PostgresTagIndex(dataSource, partitions, Duration.ofMinutes(1)).checkCoverage()).isTrue();
	}

	private SearchParameterMap tagSearch() {
		return new SearchParameterMap().add("_tag", new TokenParam("urn:dermconsent:test", testTag));
	}

	private H2LabelJoinOrder.Tag clientTag() {
		return new H2LabelJoinOrder.Tag(TagTypeEnum.TAG, "urn:dermconsent:test", testTag);
	}

	private io.restassured.specification.RequestSpecification aiTraining() {
		return fhir().header(RequestPurpose.HEADER, "ai-training");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
