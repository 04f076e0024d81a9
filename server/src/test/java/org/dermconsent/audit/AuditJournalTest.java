package org.dermconsent.audit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit journal on its own: what it hands back after a restart, and what it lets go of. */
class AuditJournalTest {

	@TempDir
	Path directory;

	private final List<AuditJournal> opened = new ArrayList<>();

	@AfterEach
	void closeJournals() {
		opened.forEach(AuditJournal::close);
	}

	@Test
	void whatIsNotSettledIsHandedBackAtTheNextOpenInOrder() {
		AuditJournal first = opened();
		long segment = first.append(List.of("a", "b"));
		first.append(List.of("c"));
		first.settle(segment, 1); // one of them stored; the journal cannot tell which, so all come back
		first.close();

		assertThat(lines(journal().open())).containsExactly("a", "b", "c");
	}

	@Test
	void aSegmentWhoseRecordsAreAllSettledIsDeletedOnceSealed() throws IOException {
		AuditJournal journal = opened();
		long segment = journal.append(List.of("a", "b"));
		journal.settle(segment, 2);
		List<String> madeDurable = new ArrayList<>();
		journal.compact(() -> madeDurable.add("checkpoint"));

		assertThat(madeDurable).containsExactly("checkpoint");
		assertThat(segmentFiles()).isEmpty();
		journal.append(List.of("c")); // the next append starts a new segment
		journal.close();
		assertThat(lines(journal().open())).containsExactly("c");
	}

	@Test
	void aRecordCutOffByACrashIsIgnored() throws IOException {
		AuditJournal journal = opened();
		journal.append(List.of("{\"whole\":1}"));
		journal.close();
		Files.write(segmentFiles().get(0), "{\"cut".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

		assertThat(lines(journal().open())).containsExactly("{\"whole\":1}");
	}

	@Test
	void oneDirectoryServesOneServer() {
		opened();
		assertThatThrownBy(() -> journal().open()).hasMessageContaining("in use by another server");
	}

	@Test
	void aSecondServerTakesTheNextDirectory() {
		AuditJournal first = slotted("jdbc:postgresql://db:5432/dermconsent");
		assertThat(first.open()).isEmpty();
		AuditJournal second = slotted("jdbc:postgresql://db:5432/dermconsent");
		assertThat(second.open()).isEmpty();

		assertThat(first.directory()).isEqualTo(directory.resolve("audit-journal"));
		assertThat(second.directory()).isEqualTo(directory.resolve("audit-journal-2"));
	}

	@Test
	void disclosuresOfAnotherDatabaseAreNeverHandedBack() {
		AuditJournal other = slotted("jdbc:postgresql://db:5432/other");
		other.open();
		other.append(List.of("of the other database"));
		other.close();

		AuditJournal journal = slotted("jdbc:postgresql://db:5432/dermconsent");
		assertThat(journal.open()).isEmpty();
		assertThat(journal.directory()).isEqualTo(directory.resolve("audit-journal-2"));
		journal.close();
		AuditJournal otherAgain = slotted("jdbc:postgresql://db:5432/other");
		assertThat(lines(otherAgain.open())).containsExactly("of the other database");
		assertThat(otherAgain.directory()).isEqualTo(directory.resolve("audit-journal"));
	}

	@Test
	void theDatabaseIsNamedWithoutCredentials() {
		assertThat(AuditConfig.databaseOf("jdbc:postgresql://app:secret@db:5432/dermconsent?password=secret&ssl=true"))
				.isEqualTo("jdbc:postgresql://db:5432/dermconsent");
		assertThat(AuditConfig.databaseOf("jdbc:h2:file:./data/dermconsent;DB_CLOSE_ON_EXIT=FALSE;PASSWORD=x"))
				.isEqualTo("jdbc:h2:file:./data/dermconsent");
	}

	@Test
	void concurrentAppendsAreAllOnDiskWhenTheyReturn() throws Exception {
		AuditJournal journal = opened();
		ExecutorService callers = Executors.newFixedThreadPool(16);
		try {
			List<Future<Long>> appends = IntStream.range(0, 400)
					.mapToObj(i -> callers.submit(() -> journal.append(List.of("record-" + i)))).toList();
			for (Future<Long> append : appends) {
				append.get();
			}
		} finally {
			callers.shutdown();
		}
		List<String> lines = new ArrayList<>();
		for (Path segment : segmentFiles()) {
			lines.addAll(Files.readAllLines(segment));
		}
		assertThat(lines).hasSize(400).doesNotHaveDuplicates();
	}

	@Test
	void aClosedJournalRefusesAppends() {
		AuditJournal journal = opened();
		journal.close();
		assertThatThrownBy(() -> journal.append(List.of("late"))).isInstanceOf(IllegalStateException.class);
	}

	/** A journal on the test's directory, closed after the test. */
	private AuditJournal journal() {
		AuditJournal journal = new AuditJournal(directory, false, true, Duration.ofSeconds(10));
		opened.add(journal);
		return journal;
	}

	private AuditJournal slotted(String database) {
		AuditJournal journal = new AuditJournal(directory.resolve("audit-journal"), database, 4, false, true,
				Duration.ofSeconds(10));
		opened.add(journal);
		return journal;
	}

	private AuditJournal opened() {
		AuditJournal journal = journal();
		assertThat(journal.open()).isEmpty();
		return journal;
	}

	private static List<String> lines(List<AuditJournal.Leftover> leftovers) {
		return leftovers.stream().map(AuditJournal.Leftover::line).toList();
	}

	private List<Path> segmentFiles() throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(file -> file.getFileName().toString().endsWith(".journal")).sorted().toList();
		}
	}
}
