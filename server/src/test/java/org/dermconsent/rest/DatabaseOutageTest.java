package org.dermconsent.rest;

import io.restassured.response.ValidatableResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * While the database is down, requests are answered 503 with Retry-After and an OperationOutcome:
 * the client may try again, nothing it sent was wrong. The server runs over its own real PostgreSQL,
 * which the test stops; the context is thrown away afterwards, so no other test sees the outage.
 */
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"spring.datasource.hikari.connection-timeout=1000",
			"spring.datasource.hikari.validation-timeout=500"
		})
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = DatabaseOutageTest.OwnPostgres.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseOutageTest extends FhirApi {

	private static EmbeddedPostgres postgres;

	/** A PostgreSQL for this test alone: it is stopped on purpose. */
	static class OwnPostgres implements ApplicationContextInitializer<ConfigurableApplicationContext> {
		@Override
		public void initialize(ConfigurableApplicationContext context) {
			try {
				postgres = EmbeddedPostgres.builder().start();
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
			TestPropertyValues.of(
							"spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
							"spring.datasource.username=postgres",
							"spring.datasource.password=postgres")
					.applyTo(context.getEnvironment());
		}
	}

	@AfterAll
	static void stopDatabase() throws IOException {
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	void readSearchAndCreateAreServiceUnavailableWhileTheDatabaseIsDown() throws IOException {
		String patient = "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}";
		String id = fhir().body(patient).post("/Patient").then().statusCode(201).extract().path("id");

		postgres.close();

		expectUnavailable(fhir().get("/Patient/" + id).then());
		expectUnavailable(fhir().get("/Patient?_tag=" + tagQuery()).then());
		expectUnavailable(fhir().body(patient).post("/Patient").then());
	}

	private static void expectUnavailable(ValidatableResponse response) {
		response.statusCode(503)
				.header("Retry-After", notNullValue())
				.body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].severity", equalTo("error"));
	}
}
