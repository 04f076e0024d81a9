package org.dermconsent.config;

import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The server's search parameter extractor: its FHIRPath engine is built after startup, and indexing works through it. */
@H2ServerTest
class SearchParamPathsAfterStartupTest extends FhirApi {

	@Autowired
	ISearchParamExtractor searchParamExtractor;

	@Test
	void theServersExtractorIsTheDeferredOneAndIsBuiltInTheBackgroundAfterStartup() throws InterruptedException {
		assertThat(searchParamExtractor).isInstanceOf(SearchParamPathsReadyOnFirstUse.class);
		SearchParamPathsReadyOnFirstUse extractor = (SearchParamPathsReadyOnFirstUse) searchParamExtractor;
		Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
		while (!extractor.isPrepared() && Instant.now().isBefore(deadline)) {
			Thread.sleep(100);
		}
		assertThat(extractor.isPrepared()).as("built by the warm-up after the server was ready").isTrue();
	}

	@Test
	void aWrittenResourceIsIndexedBySearchParameterPaths() {
		String family = "Paths" + testTag.substring(2, 10);
		fhir().body("{\"resourceType\":\"Patient\"," + metaWithTestTag() + ",\"name\":[{\"family\":\"" + family + "\"}],"
						+ "\"birthDate\":\"1970-01-02\"}")
				.post("/Patient").then().statusCode(201);

		fhir().queryParam("family", family).queryParam("birthdate", "1970-01-02").queryParam("_tag", "urn:dermconsent:test|" + testTag)
				.get("/Patient").then().statusCode(200).body("total", equalTo(1))
				.body("entry[0].resource.name[0].family", equalTo(family));
	}
}
