package org.dermconsent.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamString;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import ca.uhn.fhir.rest.server.util.FhirContextSearchParamRegistry;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** HAPI's search parameter extractor whose FHIRPath engine is built on first use, not at startup. */
class SearchParamPathsReadyOnFirstUseTest {

	private static final FhirContext R4 = FhirContext.forR4Cached();

	private static SearchParamPathsReadyOnFirstUse started() {
		return new SearchParamPathsReadyOnFirstUse(new StorageSettings(), new PartitionSettings(), R4, new FhirContextSearchParamRegistry(R4));
	}

	private static Patient patient(String family) {
		Patient patient = new Patient();
		patient.addName().setFamily(family).addGiven("Ada");
		return patient;
	}

	private static List<String> familyValues(SearchParamPathsReadyOnFirstUse extractor, Patient patient) {
		return extractor.extractSearchParamStrings(patient).stream()
				.filter(value -> "family".equals(value.getParamName()))
				.map(ResourceIndexedSearchParamString::getValueExact)
				.collect(Collectors.toList());
	}

	@Test
	void startingLeavesTheEngineUnbuiltAndTheFirstExtractionBuildsIt() {
		SearchParamPathsReadyOnFirstUse extractor = started();
		assertThat(extractor.isPrepared()).isFalse();

		assertThat(familyValues(extractor, patient("Lovelace"))).containsExactly("Lovelace");
		assertThat(extractor.isPrepared()).isTrue();
	}

	@Test
	void preparingAheadBuildsTheEngineOnceAndExtractionUsesIt() {
		SearchParamPathsReadyOnFirstUse extractor = started();
		extractor.prepare();
		extractor.prepare();

		assertThat(extractor.isPrepared()).isTrue();
		assertThat(familyValues(extractor, patient("Byron"))).containsExactly("Byron");
	}

	@Test
	void concurrentFirstExtractionsEachGetTheirOwnValues() throws Exception {
		SearchParamPathsReadyOnFirstUse extractor = started();
		int threads = 6;
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				String family = "Family" + i;
				Callable<List<String>> extraction = () -> {
					go.await();
					return familyValues(extractor, patient(family));
				};
				results.add(pool.submit(extraction));
			}
			go.countDown();
			for (int i = 0; i < threads; i++) {
				assertThat(results.get(i).get(60, TimeUnit.SECONDS)).containsExactly("Family" + i);
			}
		} finally {
			pool.shutdownNow();
		}
	}
}
