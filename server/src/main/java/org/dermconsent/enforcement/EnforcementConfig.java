package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Consent enforcement on every path that discloses an image or its bytes. */
@Configuration
public class EnforcementConfig {

	@Bean
	public RequestPurpose requestPurpose(RestfulServer fhirRestfulServer) {
		RequestPurpose requestPurpose = new RequestPurpose();
		fhirRestfulServer.registerInterceptor(requestPurpose);
		return requestPurpose;
	}

	@Bean
	public DisclosureGuard disclosureGuard(
			DaoRegistry daoRegistry, ImageConsentDecisions decisions, IInterceptorService storageInterceptors) {
		DisclosureGuard guard = new DisclosureGuard(decisions, new ImageOfBinary(daoRegistry));
		storageInterceptors.registerInterceptor(guard);
		return guard;
	}
}
