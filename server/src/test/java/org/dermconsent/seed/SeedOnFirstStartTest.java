package org.dermconsent.seed;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which starts take the seed, from the configuration Spring resolved: only the packaged server on an H2 file
 * database with the embedded Lucene index.
 */
class SeedOnFirstStartTest {

	@TempDir
	Path temp;
	private Path jar;
	private Path data;
	private Map<String, Object> properties;

	@BeforeEach
	void packagedServerWithSeed() throws IOException {
		Path home = Files.createDirectories(temp.resolve("dermconsent"));
		jar = Files.writeString(home.resolve("dermconsent.jar"), "jar");
		Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
		Path seed = Files.createDirectories(home.resolve(SeedOnFirstStart.SEED_DIRECTORY));
		Files.writeString(seed.resolve(EmbeddedDatabaseSeed.DATABASE_FILE), "seeded database");
		Files.writeString(Files.createDirectories(seed.resolve("lucene/ResourceTable")).resolve("segments_1"), "seeded index");
		data = temp.resolve("data");
		properties = new HashMap<>(Map.of(
				"spring.datasource.url", "jdbc:h2:file:" + data.resolve("dermconsent") + ";DB_CLOSE_ON_EXIT=FALSE",
				"spring.jpa.properties.hibernate.search.backend.type", "lucene",
				"spring.jpa.properties.hibernate.search.backend.directory.type", "local-filesystem",
				"spring.jpa.properties.hibernate.search.backend.directory.root", data.resolve("lucene").toString()));
	}

	@Test
	void thePackagedServerOnANewH2FileDatabaseWithLuceneStartsFromTheSeed() {
		start(jar);

		assertThat(data.resolve("dermconsent.mv.db")).hasContent("seeded database");
		assertThat(data.resolve("lucene/ResourceTable/segments_1")).hasContent("seeded index");
	}

	@Test
	void aPostgresDatabaseIsNotSeeded() {
		properties.put("spring.datasource.url", "jdbc:postgresql://db.hospital.example/fhir");

		start(jar);

		assertThat(data).doesNotExist();
	}

	@Test
	void anElasticsearchIndexMeansNoSeedEvenOnH2() {
		properties.put("spring.jpa.properties.hibernate.search.backend.type", "elasticsearch");

		start(jar);

		assertThat(data).doesNotExist();
	}

	@Test
	void withFullTextSearchOffTheSeedsIndexWouldBelongToNothingSoThereIsNoSeed() {
		properties.put("spring.jpa.properties.hibernate.search.enabled", "false");

		start(jar);

		assertThat(data).doesNotExist();
	}

	@Test
	void aServerRunFromItsClassesIsNotSeeded() throws IOException {
		start(Files.createDirectories(temp.resolve("dermconsent/classes")));

		assertThat(data).doesNotExist();
	}

	private void start(Path codeSource) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		new SeedOnFirstStart(codeSource).onApplicationEvent(new ApplicationEnvironmentPreparedEvent(
				new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment));
	}
}
