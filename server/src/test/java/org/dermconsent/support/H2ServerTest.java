package org.dermconsent.support;

import org.dermconsent.DermConsentApplication;
import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The whole server on a random port over an in-memory H2 database and an in-memory Lucene index.
 * Every test class with this annotation shares one Spring context.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-test;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.server.max-request-bytes=1048576"
		})
public @interface H2ServerTest {}
