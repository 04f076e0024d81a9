package org.dermconsent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: a HAPI FHIR R4 JPA server that enforces patients' image consents. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DermConsentApplication {

	public static void main(String[] args) {
		SpringApplication.run(DermConsentApplication.class, args);
	}
}
