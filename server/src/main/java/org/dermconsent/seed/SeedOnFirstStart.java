package org.dermconsent.seed;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Gives a server on a new embedded database the database the build prepared, before anything opens the
 * database or the search index. Only for the packaged server ({@code dermconsent.jar} with {@code seed/} beside
 * it), an H2 file database and the embedded Lucene index: a PostgreSQL database, an Elasticsearch index or a
 * server run from its classes (tests) start as before, storing the conformance package themselves.
 */
public final class SeedOnFirstStart implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final Logger log = LoggerFactory.getLogger(SeedOnFirstStart.class);
	static final String SEED_DIRECTORY = "seed";
	private static final String SEARCH = "spring.jpa.properties.hibernate.search.";

	private final Path jar;

	/** {@code jar}: where the server's classes come from; a directory (not a packaged server) means no seed. */
	public SeedOnFirstStart(Path jar) {
		this.jar = jar;
	}

	public static SeedOnFirstStart forThisServer() {
		try {
			return new SeedOnFirstStart(Path.of(SeedOnFirstStart.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
		} catch (URISyntaxException | RuntimeException unknownLocation) {
			return new SeedOnFirstStart(Path.of("."));
		}
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (!Files.isRegularFile(jar)) {
			return;
		}
		Environment environment = event.getEnvironment();
		Path workingDirectory = Path.of("").toAbsolutePath();
		Optional<Path> dataFile = EmbeddedDatabaseSeed.h2DataFile(environment.getProperty("spring.datasource.url"), workingDirectory);
		Optional<Path> index = luceneDirectory(environment).map(workingDirectory::resolve);
		if (dataFile.isEmpty() || index.isEmpty()) {
			return;
		}
		long started = System.nanoTime();
		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(jar.resolveSibling(SEED_DIRECTORY))
				.applyTo(dataFile.get(), index.get().normalize(), jar);
		if (outcome.copied()) {
			log.info("New database {}: {} in {} ms (schema and conformance package as the build stored them)", dataFile.get(),
					outcome.reason(), (System.nanoTime() - started) / 1_000_000);
		} else {
			log.debug("Database {} not taken from the build: {}", dataFile.get(), outcome.reason());
		}
	}

	private static Optional<Path> luceneDirectory(Environment environment) {
		boolean enabled = environment.getProperty(SEARCH + "enabled", Boolean.class, true);
		boolean lucene = "lucene".equals(environment.getProperty(SEARCH + "backend.type"))
				&& "local-filesystem".equals(environment.getProperty(SEARCH + "backend.directory.type", "local-filesystem"));
		String root = environment.getProperty(SEARCH + "backend.directory.root");
		return enabled && lucene && root != null ? Optional.of(Path.of(root)) : Optional.empty();
	}
}
