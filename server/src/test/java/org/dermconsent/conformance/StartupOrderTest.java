package org.dermconsent.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.data.ITermValueSetDao;
import ca.uhn.fhir.jpa.entity.TermValueSetPreExpansionStatusEnum;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.FhirApi;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.servlet.context.ServletWebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.PageRequest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client may call the moment the port opens: by then the package must be stored and its ValueSets
 * expanded, or the first Consents are validated against half-built terminology. Its own server, on
 * an empty database, because only the first start of a database installs and expands anything.
 */
@SpringBootTest(
		classes = {DermConsentApplication.class, StartupOrderTest.TerminologyWhenTheServerOpened.class},
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-startup-order-test;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap"
		})
class StartupOrderTest extends FhirApi {

	@Autowired
	TerminologyWhenTheServerOpened whenOpened;

	@Autowired
	FhirContext fhirContext;

	@Test
	void theServerOpensOnlyOnceThePackageIsInstalledAndItsValueSetsAreExpanded() {
		long packageValueSets = ConformancePackage.fromClasspath().conformanceResources().stream()
				.map(json -> fhirContext.newJsonParser().parseResource(json))
				.filter(ValueSet.class::isInstance)
				.count();
		assertThat(packageValueSets).isPositive();

		assertThat(whenOpened.valueSets).as("ValueSets stored when the port opened").isEqualTo(packageValueSets);
		assertThat(whenOpened.expanded).as("ValueSets expanded when the port opened").isEqualTo(packageValueSets);
	}

	/** Looks at the terminology tables at the moment the web server starts listening. */
	static class TerminologyWhenTheServerOpened {
		private final ITermValueSetDao termValueSets;
		private final TransactionTemplate transaction;
		volatile long valueSets = -1;
		volatile long expanded = -1;

		TerminologyWhenTheServerOpened(ITermValueSetDao termValueSets, PlatformTransactionManager transactions) {
			this.termValueSets = termValueSets;
			this.transaction = new TransactionTemplate(transactions);
		}

		@EventListener(ServletWebServerInitializedEvent.class)
		void record() {
			transaction.executeWithoutResult(status -> {
				valueSets = termValueSets.count();
				expanded = termValueSets.findByExpansionStatus(
						PageRequest.of(0, 1000), TermValueSetPreExpansionStatusEnum.EXPANDED).getNumberOfElements();
			});
		}
	}
}
