package org.dermconsent.consent.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Consent decisions over stored resources, and the operations that explain them. */
@Configuration
public class ImageConsentConfig {

	@Bean
	public PatientImageConsents patientImageConsents(DaoRegistry daoRegistry) {
		return new PatientImageConsents(daoRegistry);
	}

	@Bean
	public ImageConsentDecisions imageConsentDecisions(DaoRegistry daoRegistry, PatientImageConsents consents) {
		return new ImageConsentDecisions(daoRegistry, consents);
	}

	@Bean
	public ImageConsentOperations imageConsentOperations(
			DaoRegistry daoRegistry, ImageConsentDecisions decisions, RestfulServer fhirRestfulServer) {
		ImageConsentOperations operations = new ImageConsentOperations(daoRegistry, decisions);
		fhirRestfulServer.registerProvider(operations);
		return operations;
	}
}
