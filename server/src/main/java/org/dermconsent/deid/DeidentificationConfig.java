package org.dermconsent.deid;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.dermconsent.enforcement.EnforcementConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;

/**
 * {@code $deidentify} and the pseudonym masking of de-identified images. The pseudonym secret is
 * {@code dermconsent.deid.pseudonym-secret} (at least 16 characters); when blank, one is generated
 * once and kept in the database (table {@code DC_DEID_SECRET}).
 */
@Configuration
public class DeidentificationConfig {

	@Bean
	public Pseudonyms pseudonyms(DataSource dataSource, @Value("${dermconsent.deid.pseudonym-secret:}") String configured) {
		if (configured != null && !configured.isBlank()) {
			if (configured.length() < 16) {
				throw new IllegalStateException("dermconsent.deid.pseudonym-secret must be at least 16 characters");
			}
			return new Pseudonyms(configured);
		}
		PseudonymSecretStore store = new PseudonymSecretStore(new JdbcTemplate(dataSource));
		store.createTableIfMissing();
		return new Pseudonyms(store.loadOrCreate());
	}

	@Bean
	public PseudonymMasking pseudonymMasking(Pseudonyms pseudonyms) {
		return new PseudonymMasking(pseudonyms);
	}

	@Bean
	public DeidentifyOperation deidentifyOperation(DaoRegistry daoRegistry, ImageConsentDecisions decisions,
			ObjectProvider<EnforcementConfig.EnforcementSwitch> enforcement,
			RestfulServer fhirRestfulServer) {
		// looked up on first use: asking for it here would create the enforcement beans early and change the
		// order in which their search interceptors register (SearchPurposeFilter must register before ImageProbeRejection)
		DeidentifyOperation operation = new DeidentifyOperation(new Deidentifier(daoRegistry),
				daoRegistry.getResourceDao(org.hl7.fhir.r4.model.Binary.class), decisions,
				() -> enforcement.getObject().enabled());
		fhirRestfulServer.registerProvider(operation);
		return operation;
	}
}
