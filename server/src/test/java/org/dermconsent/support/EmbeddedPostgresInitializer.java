package org.dermconsent.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Starts one real PostgreSQL for the test JVM and points the server's datasource at it. */
public class EmbeddedPostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static EmbeddedPostgres postgres;

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		EmbeddedPostgres database = database();
		TestPropertyValues.of(
						"spring.datasource.url=" + database.getJdbcUrl("postgres", "postgres"),
						"spring.datasource.username=postgres",
						"spring.datasource.password=postgres")
				.applyTo(context.getEnvironment());
	}

	private static synchronized EmbeddedPostgres database() {
		if (postgres == null) {
			try {
				postgres = EmbeddedPostgres.builder().start();
			} catch (IOException e) {
				throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedPostgresInitializer::stop));
		}
		return postgres;
	}

	private static void stop() {
		try {
			postgres.close();
		} catch (IOException ignored) {
			// the JVM is exiting; the data directory is temporary
		}
	}
}
