package org.dermconsent.config;

import ca.uhn.fhir.jpa.bulk.imprt.api.IBulkDataImportSvc;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The libraries the server leaves out of HAPI's dependencies (Jena, Micrometer) stay out, and what HAPI
 * does use from them is still there.
 */
@H2ServerTest
class LeftOutLibrariesTest extends FhirApi {

	@Autowired
	IBulkDataImportSvc bulkImport;

	@Test
	void jenaAndMicrometerAreNotOnTheClasspath() {
		assertThatThrownBy(() -> Class.forName("org.apache.jena.rdf.model.Model")).isInstanceOf(ClassNotFoundException.class);
		assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry")).isInstanceOf(ClassNotFoundException.class);
	}

	/** HAPI's scheduler runs this every few seconds; it calls a string helper of Jena's JSON-LD library. */
	@Test
	void hapisBulkImportActivationRuns() {
		assertThat(bulkImport.activateNextReadyJob().isActivated).isFalse();
	}
}
