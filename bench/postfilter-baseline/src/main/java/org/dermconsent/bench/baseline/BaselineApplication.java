package org.dermconsent.bench.baseline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal HAPI FHIR R4 JPA server, the benchmark's peer: with {@code baseline.consent=true} (the
 * default) a HAPI ConsentInterceptor hides Media that a patient's consent does not permit for the
 * request's purpose, after the query (post-filtering); with {@code false} it is plain HAPI, which
 * bench/startup-compare.sh uses as the "minimal HAPI JPA server" for startup and memory.
 */
@SpringBootApplication
public class BaselineApplication {

	public static void main(String[] args) {
		SpringApplication.run(BaselineApplication.class, args);
	}
}
