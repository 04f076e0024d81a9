package org.dermconsent;

import org.dermconsent.seed.SeedOnFirstStart;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: a HAPI FHIR R4 JPA server that enforces patients' image consents. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DermConsentApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(DermConsentApplication.class);
		application.addListeners(SeedOnFirstStart.forThisServer());
		application.run(args);
	}
}
