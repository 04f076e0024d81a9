package org.dermconsent.capture;

import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** Consent capture by questionnaire: {@code QuestionnaireResponse/$extract} (DESIGN 10). */
@Configuration
public class ConsentCaptureConfig {

	@Bean
	public ConsentCaptureOperation consentCaptureOperation(RestfulServer fhirRestfulServer) {
		ConsentCaptureOperation operation = new ConsentCaptureOperation(new ConsentCapture(Clock.systemUTC()));
		fhirRestfulServer.registerProvider(operation);
		return operation;
	}
}
