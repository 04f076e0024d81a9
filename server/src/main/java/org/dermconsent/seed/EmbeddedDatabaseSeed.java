package org.dermconsent.seed;

import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The database the build prepared ({@link SeedWriter}): HAPI's schema with DermConsent's conformance package
 * stored and its ValueSets expanded, plus the Lucene index of those resources. A server whose embedded H2
 * database does not exist yet starts from a copy of it instead of creating the schema and storing the package
 * (about 8 s of a 30 s first start on the 2-core machine), so that a first start costs what a restart costs.
 *
 * <p>Copies land under a temporary name and appear by a rename, the database file last: a copy cut short
 * (kill -9) leaves no database, and the next start copies again. The index directory carries a marker file so
 * that the next start knows an index without a database as one of its own copies, not an operator's. Two
 * servers started at once on the same new database take turns through a lock file beside it, so the second
 * finds the database the first copied (and then fails on H2's own lock, as it would without a seed) instead of
 * renaming a second copy over the file the first has open.
 */
public final class EmbeddedDatabaseSeed {

	/** The seed's files, as {@link SeedWriter} lays them out. */
	public static final String DATABASE_FILE = "dermconsent.mv.db";
	public static final String INDEX_DIRECTORY = "lucene";
	/** In an index directory copied from the seed. */
	static final String MARKER = ".dermconsent-seed";
	private static final String H2_FILE_URL = "jdbc:h2:file:";
	private static final String H2_DATA_SUFFIX = ".mv.db";
	private static final String COPYING = ".copying";

	private final Path seed;

	public EmbeddedDatabaseSeed(Path seed) {
		this.seed = seed;
	}

	/** What {@link #applyTo} did, and why, for the log. */
	public record Outcome(boolean copied, String reason) {}

	/**
	 * The H2 data file of a {@code jdbc:h2:file:} URL (relative paths against {@code workingDirectory}); empty
	 * for any other database, in-memory H2 included.
	 */
	public static Optional<Path> h2DataFile(String jdbcUrl, Path workingDirectory) {
		if (jdbcUrl == null || !jdbcUrl.startsWith(H2_FILE_URL)) {
			return Optional.empty();
		}
		String path = jdbcUrl.substring(H2_FILE_URL.length());
		int settings = path.indexOf(';');
		if (settings >= 0) {
			path = path.substring(0, settings);
		}
		if (path.isBlank() || path.startsWith("~")) { // H2's own home-directory notation: leave it to H2
			return Optional.empty();
		}
		return Optional.of(workingDirectory.resolve(path + H2_DATA_SUFFIX).normalize());
	}

	/**
	 * Copies the seed to {@code dataFile} and {@code indexDirectory} if the database does not exist yet, the
	 * seed is complete and newer than {@code builtFrom} (the jar it was prepared for), and the index directory
	 * is empty, absent, or a copy of the seed that a start cut short.
	 */
	public Outcome applyTo(Path dataFile, Path indexDirectory, Path builtFrom) {
		if (Files.exists(dataFile)) { // every restart: no lock file in an existing database's directory
			return new Outcome(false, "the database exists");
		}
		try {
			Files.createDirectories(dataFile.getParent());
			Path lock = dataFile.resolveSibling(dataFile.getFileName() + ".seed-lock");
			synchronized (EmbeddedDatabaseSeed.class) { // a FileLock excludes other processes, not this one's threads
				try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
						FileLock ignored = channel.lock()) {
					return applyLocked(dataFile, indexDirectory, builtFrom);
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException("Could not copy the prepared database from " + seed, e);
		}
	}

	private Outcome applyLocked(Path dataFile, Path indexDirectory, Path builtFrom) throws IOException {
		Path seedData = seed.resolve(DATABASE_FILE);
		Path seedIndex = seed.resolve(INDEX_DIRECTORY);
		if (Files.exists(dataFile)) {
			return new Outcome(false, "the database exists");
		}
		if (!Files.isRegularFile(seedData) || !Files.isDirectory(seedIndex)) {
			return new Outcome(false, "the build prepared no database in " + seed);
		}
		if (!isNewer(seedData, builtFrom)) {
			return new Outcome(false, "the prepared database in " + seed + " is older than " + builtFrom.getFileName());
		}
		if (!isEmptyOrAbsent(indexDirectory) && !Files.exists(indexDirectory.resolve(MARKER))) {
			return new Outcome(false, "the search index " + indexDirectory + " already holds an index that is not the prepared one");
		}
		copyIndex(seedIndex, indexDirectory);
		Path copying = dataFile.resolveSibling(dataFile.getFileName() + COPYING);
		Files.copy(seedData, copying, StandardCopyOption.REPLACE_EXISTING);
		Files.move(copying, dataFile, StandardCopyOption.ATOMIC_MOVE);
		return new Outcome(true, "copied from " + seed);
	}

	private static void copyIndex(Path from, Path to) throws IOException {
		Path copying = to.resolveSibling(to.getFileName() + COPYING);
		FileSystemUtils.deleteRecursively(copying);
		FileSystemUtils.copyRecursively(from, copying);
		Files.createFile(copying.resolve(MARKER));
		FileSystemUtils.deleteRecursively(to); // empty, absent, or a marked copy (checked above)
		Files.createDirectories(to.getParent());
		Files.move(copying, to, StandardCopyOption.ATOMIC_MOVE);
	}

	private static boolean isNewer(Path file, Path than) {
		try {
			return !Files.exists(than) || Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) > 0;
		} catch (IOException e) {
			return false;
		}
	}

	private static boolean isEmptyOrAbsent(Path directory) {
		if (!Files.exists(directory)) {
			return true;
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.findAny().isEmpty();
		} catch (IOException e) {
			return false;
		}
	}
}
