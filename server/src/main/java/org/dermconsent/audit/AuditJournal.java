package org.dermconsent.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An append-only file of records (one line each) that are on disk before {@link #append} returns.
 * One thread appends and forces for all callers waiting at that moment (group commit), so a
 * hundred concurrent requests cost one disk flush, not a hundred.
 *
 * <p>The journal is a sequence of segment files. Every record appended is "unsettled" until its
 * consumer {@link #settle settles} it (has stored it durably elsewhere); a segment is deleted only
 * once it is sealed (no longer appended to) and all its records are settled. Segments left over
 * from a previous run are sealed at {@link #open}, their records handed out for replay.
 */
class AuditJournal {

	private static final Logger log = LoggerFactory.getLogger(AuditJournal.class);
	private static final Pattern SEGMENT = Pattern.compile("audit-(\\d{12})\\.journal");

	/** A record read back from a segment written before this run, with the segment to settle it in. */
	record Leftover(long segment, String line) {}

	private record Append(List<String> lines, CompletableFuture<Long> written) {}

	/** Wakes the appending thread to stop. */
	private static final Append STOP = new Append(List.of(), new CompletableFuture<>());

	private final Path base;
	private final String database;
	private final int slots;
	private final boolean temporary;
	private final boolean force;
	private final Duration appendTimeout;
	private final BlockingQueue<Append> waiting = new LinkedBlockingQueue<>();
	/** Unsettled records per segment; guarded by {@code this}, as are the current segment's fields. */
	private final Map<Long, Integer> unsettled = new HashMap<>();
	private Path directory;
	private long current;
	private FileChannel channel;
	private long currentRecords;
	private FileChannel lockChannel;
	private FileLock lock;
	private Thread writer;
	private volatile boolean closing;

	AuditJournal(Path directory, boolean temporary, boolean force, Duration appendTimeout) {
		this(directory, "", 1, temporary, force, appendTimeout);
	}

	/**
	 * @param base          the journal directory
	 * @param database      the database whose disclosures the journal holds (its JDBC URL without
	 *                      credentials): records of another database are never handed back
	 * @param slots         how many directories to try ({@code base}, {@code base-2}, ...) when
	 *                      {@code base} is in use by another server or holds another database's records
	 * @param temporary     whether the directory belongs to this run only (an in-memory database's
	 *                      journal), so that {@link #close} deletes it
	 * @param force         whether an append returns only once its records are forced to the disk (false
	 *                      only to measure what that costs: a crash of the machine may then lose records)
	 * @param appendTimeout how long {@link #append} waits for the disk before it gives up
	 */
	AuditJournal(Path base, String database, int slots, boolean temporary, boolean force, Duration appendTimeout) {
		this.base = base;
		this.directory = base;
		this.database = database;
		this.slots = slots;
		this.temporary = temporary;
		this.force = force;
		this.appendTimeout = appendTimeout;
	}

	synchronized Path directory() {
		return directory;
	}

	/**
	 * Takes a journal directory for this process (one server per directory), seals what earlier runs
	 * left there and returns its records, oldest first, and starts appending to a new segment.
	 */
	synchronized List<Leftover> open() {
		List<String> refused = new ArrayList<>();
		for (int slot = 1; slot <= slots; slot++) {
			Path candidate = slot == 1 ? base : base.resolveSibling(base.getFileName() + "-" + slot);
			try {
				Optional<List<Leftover>> leftovers = take(candidate, refused);
				if (leftovers.isPresent()) {
					return leftovers.get();
				}
			} catch (IOException e) {
				throw new UncheckedIOException("Cannot open the audit journal " + candidate, e);
			}
		}
		throw new IllegalStateException("No audit journal directory can be used: " + String.join("; ", refused));
	}

	private Optional<List<Leftover>> take(Path candidate, List<String> refused) throws IOException {
		Files.createDirectories(candidate);
		FileChannel lockFile = FileChannel.open(candidate.resolve("journal.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		FileLock taken;
		try {
			taken = lockFile.tryLock();
		} catch (OverlappingFileLockException heldInThisProcess) {
			taken = null;
		}
		if (taken == null) {
			lockFile.close();
			refused.add(candidate + " is in use by another server");
			return Optional.empty();
		}
		Path owner = candidate.resolve("journal.database");
		String previous = Files.exists(owner) ? Files.readString(owner, StandardCharsets.UTF_8) : database;
		Map<Long, Integer> counts = new HashMap<>();
		List<Leftover> leftovers = new ArrayList<>();
		for (Map.Entry<Long, Path> segment : segments(candidate).entrySet()) {
			List<String> lines = readRecords(segment.getValue());
			counts.put(segment.getKey(), lines.size());
			lines.forEach(line -> leftovers.add(new Leftover(segment.getKey(), line)));
		}
		if (!previous.equals(database) && !leftovers.isEmpty()) {
			taken.release();
			lockFile.close();
			log.warn("The audit journal {} holds {} disclosures of another database ({}), which are kept there and"
					+ " not stored in this one ({})", candidate, leftovers.size(), previous, database);
			refused.add(candidate + " holds disclosures of another database");
			return Optional.empty();
		}
		if (!Files.exists(owner) || !previous.equals(database)) {
			Files.writeString(owner, database, StandardCharsets.UTF_8);
		}
		directory = candidate;
		lockChannel = lockFile;
		lock = taken;
		unsettled.putAll(counts);
		startSegment(counts.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1);
		writer = new Thread(this::appendUntilClosed, "audit-journal");
		writer.setDaemon(true);
		writer.start();
		if (!leftovers.isEmpty()) {
			log.info("Audit journal {}: {} records of an earlier run to store", directory, leftovers.size());
		}
		return Optional.of(leftovers);
	}

	/**
	 * Appends the records and returns once they are on disk: the segment they are in (to settle them).
	 * Throws if they could not be written, or were not written within the append timeout (they may
	 * still be written later: a record is then kept that nobody was told of, never the reverse).
	 */
	long append(List<String> lines) {
		if (closing) {
			throw new IllegalStateException("The audit journal is closed");
		}
		Append append = new Append(lines, new CompletableFuture<>());
		waiting.add(append);
		long deadline = System.nanoTime() + appendTimeout.toNanos();
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return append.written().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				} catch (InterruptedException e) {
					interrupted = true; // the record must be on disk before the caller goes on
				} catch (ExecutionException e) {
					throw new IllegalStateException("Could not write the audit journal " + directory, e.getCause());
				} catch (TimeoutException e) {
					throw new IllegalStateException("The audit journal " + directory + " was not written within "
							+ appendTimeout.toMillis() + " ms");
				}
			}
		} finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** {@code count} records of {@code segment} are stored elsewhere and need the journal no more. */
	synchronized void settle(long segment, int count) {
		unsettled.merge(segment, -count, Integer::sum);
	}

	/**
	 * Seals the current segment if it has records (the next append starts a new one), and deletes the
	 * sealed segments whose records are all settled; {@code beforeDelete} runs first (only if there is
	 * one to delete), to make durable what settled them.
	 */
	void compact(Runnable beforeDelete) {
		List<Long> deletable;
		synchronized (this) {
			if (currentRecords > 0) {
				closeSegment();
			}
			deletable = unsettled.entrySet().stream()
					.filter(segment -> (segment.getKey() != current || channel == null) && segment.getValue() <= 0)
					.map(Map.Entry::getKey).toList();
		}
		if (deletable.isEmpty()) {
			return;
		}
		beforeDelete.run();
		for (long segment : deletable) {
			try {
				Files.deleteIfExists(segmentPath(segment));
			} catch (IOException e) {
				log.warn("Could not delete audit journal segment {}: {}", segment, e.toString());
				continue;
			}
			synchronized (this) {
				unsettled.remove(segment);
			}
		}
	}

	/** Appends what is still waiting and stops; unsettled segments stay for the next run. */
	void close() {
		synchronized (this) {
			if (closing) {
				return;
			}
			closing = true;
		}
		Thread appender = writer;
		if (appender != null) {
			// not interrupted: an interrupt during a write closes the file channel
			waiting.add(STOP);
			try {
				appender.join(10_000);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		List<Append> last = new ArrayList<>();
		waiting.drainTo(last);
		last.remove(STOP);
		synchronized (this) {
			if (lock != null && !last.isEmpty()) {
				write(last);
			} else {
				last.forEach(append -> append.written().completeExceptionally(new IllegalStateException("The audit journal is closed")));
			}
			try {
				if (channel != null) {
					channel.close();
					if (currentRecords == 0) {
						Files.deleteIfExists(segmentPath(current)); // opened at the start, never written
					}
				}
				if (lock != null) {
					lock.release();
					lockChannel.close();
				}
			} catch (IOException e) {
				log.warn("Could not close the audit journal: {}", e.toString());
			}
			channel = null;
		}
		if (temporary) {
			deleteTemporaryDirectory();
		}
	}

	private void deleteTemporaryDirectory() {
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(directory);
		} catch (IOException e) {
			log.debug("Could not delete the temporary audit journal {}: {}", directory, e.toString());
		}
	}

	private void appendUntilClosed() {
		while (true) {
			List<Append> group = new ArrayList<>();
			try {
				group.add(waiting.take());
			} catch (InterruptedException e) {
				return; // close() appends the rest
			}
			waiting.drainTo(group);
			boolean stop = group.remove(STOP);
			if (!group.isEmpty()) {
				try {
					synchronized (this) {
						write(group);
					}
				} catch (Throwable unexpected) { // the thread must live on: every disclosure waits for it
					log.error("The audit journal could not write {} appends: {}", group.size(), unexpected.toString());
					group.forEach(append -> append.written().completeExceptionally(unexpected));
				}
			}
			if (stop) {
				return;
			}
		}
	}

	/**
	 * Writes one group, forces it to disk, counts its records as unsettled and releases its callers.
	 * After a failed write the segment is closed (the write may have cut a line off) and the next
	 * group starts a new one, so that the journal recovers once the disk does.
	 */
	private void write(List<Append> group) {
		try {
			if (channel == null) {
				startSegment(current + 1);
			}
			StringBuilder text = new StringBuilder();
			int records = 0;
			for (Append append : group) {
				for (String line : append.lines()) {
					text.append(line).append('\n');
					records++;
				}
			}
			ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
			while (bytes.hasRemaining()) {
				channel.write(bytes);
			}
			if (force) {
				channel.force(false);
			}
			currentRecords += records;
			unsettled.merge(current, records, Integer::sum);
			group.forEach(append -> append.written().complete(current));
		} catch (IOException | RuntimeException e) {
			log.error("Could not write the audit records of {} responses to the journal {}: {}", group.size(), directory,
					e.toString());
			group.forEach(append -> append.written().completeExceptionally(e));
			closeSegment();
		}
	}

	/** Seals the current segment: nothing more is appended to it. */
	private void closeSegment() {
		if (channel != null) {
			try {
				channel.close();
			} catch (IOException e) {
				log.warn("Could not close audit journal segment {}: {}", current, e.toString());
			}
			channel = null;
		}
	}

	/** Opens a new segment numbered {@code segment} or, if that name is taken, the next free one. */
	private void startSegment(long segment) throws IOException {
		while (Files.exists(segmentPath(segment), LinkOption.NOFOLLOW_LINKS)) {
			segment++; // the name is taken (a failed earlier attempt to start it)
		}
		channel = FileChannel.open(segmentPath(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		current = segment;
		currentRecords = 0;
		unsettled.put(segment, 0);
		if (force) {
			forceDirectory(); // a new file's name must survive a power loss, not only its bytes
		}
	}

	private void forceDirectory() {
		try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
			dir.force(true);
		} catch (IOException e) {
			log.debug("Cannot force the directory {} on this platform: {}", directory, e.toString());
		}
	}

	private static TreeMap<Long, Path> segments(Path directory) throws IOException {
		TreeMap<Long, Path> segments = new TreeMap<>();
		try (Stream<Path> files = Files.list(directory)) {
			files.forEach(file -> {
				Matcher name = SEGMENT.matcher(file.getFileName().toString());
				if (name.matches()) {
					segments.put(Long.parseLong(name.group(1)), file);
				}
			});
		}
		return segments;
	}

	/** The complete lines of a segment: a line cut off by a crash was never acknowledged, so it is dropped. */
	private static List<String> readRecords(Path segment) throws IOException {
		byte[] bytes = Files.readAllBytes(segment);
		List<String> lines = new ArrayList<>();
		int start = 0;
		for (int end = 0; end < bytes.length; end++) {
			if (bytes[end] == '\n') {
				if (end > start) {
					lines.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
				}
				start = end + 1;
			}
		}
		if (start < bytes.length) {
			log.warn("Audit journal segment {} ends in an incomplete record, which is ignored", segment);
		}
		return lines;
	}

	private Path segmentPath(long segment) {
		return directory.resolve(String.format("audit-%012d.journal", segment));
	}
}
