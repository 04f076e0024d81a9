package org.dermconsent.support;

import org.dermconsent.DermConsentApplication;
import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The whole server with SMART on FHIR security on, over in-memory H2, trusting tokens of the
 * {@link LocalTokenIssuer}. Every test class with this annotation shares one Spring context.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SpringBootTest(
		classes = {DermConsentApplication.class, LocalTokenIssuer.class},
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-secured-test;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.security.enabled=true",
			"dermconsent.security.issuer-uri=" + LocalTokenIssuer.ISSUER
		})
public @interface SecuredServerTest {}
