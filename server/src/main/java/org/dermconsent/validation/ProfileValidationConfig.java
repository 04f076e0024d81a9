package org.dermconsent.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import org.dermconsent.terminology.NewerThanR4CoreCodes;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Validation of DermConsent resources: on every write (storage layer) and through $validate. */
@Configuration
public class ProfileValidationConfig {

	@Bean
	public ProfileValidationInterceptor profileValidationInterceptor(
			FhirContext fhirContext, JpaValidationSupportChain validationChain, IInterceptorService interceptors) {
		extend(validationChain, fhirContext);
		ProfileValidationInterceptor interceptor = new ProfileValidationInterceptor(fhirContext, validationChain);
		interceptors.registerInterceptor(interceptor);
		return interceptor;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void warmUpValidator(ApplicationReadyEvent event) {
		ProfileValidationInterceptor interceptor = event.getApplicationContext().getBean(ProfileValidationInterceptor.class);
		Thread warmUp = new Thread(interceptor::warmUp, "profile-validator-warm-up");
		warmUp.setDaemon(true);
		warmUp.start();
	}

	/**
	 * The R4 core package predates two codes DermConsent depends on (DICOM DMS, v3 MLTRAINING), and
	 * SNOMED CT and the NCI Thesaurus cannot be loaded offline: codes from those systems are checked
	 * against DermConsent's enumerated ValueSets, and the unknown system itself is only a warning.
	 */
	private static void extend(JpaValidationSupportChain chain, FhirContext fhirContext) {
		chain.addValidationSupport(0, NewerThanR4CoreCodes.create(fhirContext));
		UnknownCodeSystemWarningValidationSupport unknownSystems = new UnknownCodeSystemWarningValidationSupport(fhirContext);
		unknownSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
		chain.addValidationSupport(unknownSystems);
	}
}
