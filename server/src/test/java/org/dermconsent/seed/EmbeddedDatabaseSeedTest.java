package org.dermconsent.seed;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** When a new embedded database is copied from the build's seed, and that a copy cut short is made again. */
class EmbeddedDatabaseSeedTest {

	@TempDir
	Path temp;
	private Path seed;
	private Path jar;
	private Path dataFile;
	private Path index;

	@BeforeEach
	void layOut() throws IOException {
		jar = Files.writeString(temp.resolve("dermconsent.jar"), "jar");
		Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
		seed = Files.createDirectories(temp.resolve("seed"));
		Files.writeString(seed.resolve("dermconsent.mv.db"), "seeded database");
		Files.createDirectories(seed.resolve("lucene/ResourceTable"));
		Files.writeString(seed.resolve("lucene/ResourceTable/segments_1"), "seeded index");
		dataFile = temp.resolve("work/data/dermconsent.mv.db");
		index = temp.resolve("work/data/lucene");
	}

	@Test
	void theDataFileOfAnH2FileUrlIsFoundAndOtherDatabasesHaveNone() {
		Path work = temp.resolve("work");
		assertThat(EmbeddedDatabaseSeed.h2DataFile("jdbc:h2:file:./data/dermconsent;DB_CLOSE_ON_EXIT=FALSE", work))
				.contains(work.resolve("data/dermconsent.mv.db"));
		assertThat(EmbeddedDatabaseSeed.h2DataFile("jdbc:h2:file:/srv/fhir/db", work)).contains(Path.of("/srv/fhir/db.mv.db"));
		assertThat(EmbeddedDatabaseSeed.h2DataFile("jdbc:h2:mem:test", work)).isEmpty();
		assertThat(EmbeddedDatabaseSeed.h2DataFile("jdbc:h2:file:~/dermconsent", work)).isEmpty();
		assertThat(EmbeddedDatabaseSeed.h2DataFile("jdbc:postgresql://db/fhir", work)).isEmpty();
		assertThat(EmbeddedDatabaseSeed.h2DataFile(null, work)).isEmpty();
	}

	@Test
	void aNewDatabaseAndItsIndexAreCopiedFromTheSeed() throws IOException {
		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(seed).applyTo(dataFile, index, jar);

		assertThat(outcome.copied()).as(outcome.reason()).isTrue();
		assertThat(dataFile).hasContent("seeded database");
		assertThat(index.resolve("ResourceTable/segments_1")).hasContent("seeded index");
		assertThat(index.resolve(EmbeddedDatabaseSeed.MARKER)).exists();
		assertThat(dataFile.resolveSibling("dermconsent.mv.db.copying")).doesNotExist();
		assertThat(index.resolveSibling("lucene.copying")).doesNotExist();
	}

	@Test
	void twoStartsAtOnceCopyOnceAndTheSecondFindsTheFirstsDatabase() throws Exception {
		EmbeddedDatabaseSeed embedded = new EmbeddedDatabaseSeed(seed);
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService starts = Executors.newFixedThreadPool(2);
		try {
			List<Future<EmbeddedDatabaseSeed.Outcome>> outcomes = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				outcomes.add(starts.submit(() -> {
					go.await();
					return embedded.applyTo(dataFile, index, jar);
				}));
			}
			go.countDown();
			List<EmbeddedDatabaseSeed.Outcome> done = new ArrayList<>();
			for (Future<EmbeddedDatabaseSeed.Outcome> outcome : outcomes) {
				done.add(outcome.get(30, TimeUnit.SECONDS));
			}
			assertThat(done).filteredOn(EmbeddedDatabaseSeed.Outcome::copied).hasSize(1);
			assertThat(done).filteredOn(outcome -> !outcome.copied()).singleElement()
					.extracting(EmbeddedDatabaseSeed.Outcome::reason).isEqualTo("the database exists");
		} finally {
			starts.shutdownNow();
		}
	}

	@Test
	void anExistingDatabaseIsNeverReplaced() throws IOException {
		Files.createDirectories(dataFile.getParent());
		Files.writeString(dataFile, "the hospital's images");

		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(seed).applyTo(dataFile, index, jar);

		assertThat(outcome.copied()).isFalse();
		assertThat(dataFile).hasContent("the hospital's images");
		assertThat(index).doesNotExist();
	}

	@Test
	void anIndexThatIsNotACopyOfTheSeedIsLeftAloneAndSoIsTheDatabase() throws IOException {
		Files.createDirectories(index);
		Files.writeString(index.resolve("segments_9"), "an operator's index");

		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(seed).applyTo(dataFile, index, jar);

		assertThat(outcome.copied()).isFalse();
		assertThat(outcome.reason()).contains("not the prepared one");
		assertThat(index.resolve("segments_9")).hasContent("an operator's index");
		assertThat(dataFile).doesNotExist();
	}

	@Test
	void aCopyCutShortBeforeTheDatabaseAppearedIsMadeAgain() throws IOException {
		// kill -9 after the index was renamed into place, before the database was: an index with the marker, no database
		Files.createDirectories(index.resolve("ResourceTable"));
		Files.writeString(index.resolve("ResourceTable/segments_1"), "half");
		Files.createFile(index.resolve(EmbeddedDatabaseSeed.MARKER));
		Files.writeString(index.resolve("stale-file"), "left by the cut");
		Files.writeString(Files.createDirectories(dataFile.getParent()).resolve("dermconsent.mv.db.copying"), "half a database");

		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(seed).applyTo(dataFile, index, jar);

		assertThat(outcome.copied()).as(outcome.reason()).isTrue();
		assertThat(dataFile).hasContent("seeded database");
		assertThat(index.resolve("ResourceTable/segments_1")).hasContent("seeded index");
		assertThat(index.resolve("stale-file")).doesNotExist();
	}

	@Test
	void aSeedOlderThanTheJarBelongsToAnEarlierBuildAndIsNotUsed() throws IOException {
		Files.setLastModifiedTime(seed.resolve("dermconsent.mv.db"), FileTime.from(Instant.now().minusSeconds(3600)));

		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(seed).applyTo(dataFile, index, jar);

		assertThat(outcome.copied()).isFalse();
		assertThat(outcome.reason()).contains("older than dermconsent.jar");
		assertThat(dataFile).doesNotExist();
	}

	@Test
	void withoutASeedTheServerStartsAsBefore() throws IOException {
		FileSystemUtils.deleteRecursively(seed);

		EmbeddedDatabaseSeed.Outcome outcome = new EmbeddedDatabaseSeed(seed).applyTo(dataFile, index, jar);

		assertThat(outcome.copied()).isFalse();
		assertThat(dataFile).doesNotExist();
		assertThat(index).doesNotExist();
	}
}
