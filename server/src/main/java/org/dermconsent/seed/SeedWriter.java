package org.dermconsent.seed;

import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the embedded database of a server that started once and stopped (bin/dermconsent-cds's recording start,
 * at build time) into the seed that {@link EmbeddedDatabaseSeed} copies for every new embedded database.
 *
 * <p>The seed keeps only what every installation would store identically: HAPI's resource, index and
 * terminology tables, which a first start fills with the conformance package alone, and the package's install
 * journal. Every other table is emptied, whatever a later version adds to it: the pseudonym secret (each
 * installation must make its own, or pseudonyms could be linked across installations), background jobs,
 * caches. Writing fails if the resource table holds anything but conformance resources.
 *
 * <p>Usage: {@code SeedWriter <data directory of the stopped server> <seed directory to write>}
 */
public final class SeedWriter {

	private static final String DATABASE = "dermconsent";
	/** Tables a first start fills with the conformance package and nothing else. */
	private static final List<String> KEPT_PREFIXES = List.of("HFJ_RESOURCE", "HFJ_RES_VER", "HFJ_RES_LINK", "HFJ_RES_TAG",
			"HFJ_RES_PARAM_PRESENT", "HFJ_RES_IDENTIFIER", "HFJ_RES_SYSTEM", "HFJ_TAG_DEF", "HFJ_HISTORY_TAG", "HFJ_FORCED_ID",
			"HFJ_SPIDX_", "HFJ_IDX_", "TRM_");
	private static final Set<String> KEPT_TABLES = Set.of("DC_CONFORMANCE_INSTALL");
	/** Not resources but per-node state, despite their prefix. */
	private static final Set<String> EMPTIED_ANYWAY = Set.of("HFJ_RESOURCE_MODIFIED");
	/** The resource types of the conformance package (profiles, terminology, operations, search parameters). */
	static final Set<String> CONFORMANCE_TYPES = Set.of("StructureDefinition", "CodeSystem", "ValueSet", "ConceptMap",
			"NamingSystem", "OperationDefinition", "Questionnaire", "SearchParameter");

	private SeedWriter() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 2) {
			System.err.println("usage: SeedWriter <data directory of the stopped server> <seed directory to write>");
			System.exit(2);
		}
		List<String> emptied = write(Path.of(args[0]), Path.of(args[1]));
		System.err.println("SeedWriter: emptied " + emptied.size() + " tables; wrote " + args[1]);
	}

	/** Empties the per-installation tables of the database in {@code data} and copies it, with its index, to {@code seed}. */
	public static List<String> write(Path data, Path seed) throws SQLException, IOException {
		Path dataFile = data.resolve(EmbeddedDatabaseSeed.DATABASE_FILE);
		Path index = data.resolve(EmbeddedDatabaseSeed.INDEX_DIRECTORY);
		if (!Files.isRegularFile(dataFile) || !Files.isDirectory(index)) {
			throw new IllegalArgumentException(data + " holds no " + EmbeddedDatabaseSeed.DATABASE_FILE + " and "
					+ EmbeddedDatabaseSeed.INDEX_DIRECTORY + "/");
		}
		List<String> emptied;
		try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + data.resolve(DATABASE).toAbsolutePath(), "sa", "")) {
			requireOnlyConformanceResources(connection);
			emptied = emptyPerInstallationTables(connection);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SHUTDOWN COMPACT");
			}
		}
		Path partial = seed.resolveSibling(seed.getFileName() + ".partial");
		FileSystemUtils.deleteRecursively(partial);
		Files.createDirectories(partial);
		Files.copy(dataFile, partial.resolve(EmbeddedDatabaseSeed.DATABASE_FILE));
		FileSystemUtils.copyRecursively(index, partial.resolve(EmbeddedDatabaseSeed.INDEX_DIRECTORY));
		FileSystemUtils.deleteRecursively(seed);
		Files.move(partial, seed, StandardCopyOption.ATOMIC_MOVE);
		return emptied;
	}

	static boolean isKept(String table) {
		return !EMPTIED_ANYWAY.contains(table)
				&& (KEPT_TABLES.contains(table) || KEPT_PREFIXES.stream().anyMatch(table::startsWith));
	}

	private static void requireOnlyConformanceResources(Connection connection) throws SQLException {
		List<String> others = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet types = statement.executeQuery("SELECT DISTINCT RES_TYPE FROM HFJ_RESOURCE")) {
			while (types.next()) {
				if (!CONFORMANCE_TYPES.contains(types.getString(1))) {
					others.add(types.getString(1));
				}
			}
		}
		if (!others.isEmpty()) {
			throw new IllegalStateException("The database holds resources that are not the conformance package's: " + others);
		}
	}

	private static List<String> emptyPerInstallationTables(Connection connection) throws SQLException {
		List<String> emptied = new ArrayList<>();
		try (Statement statement = connection.createStatement()) {
			List<String> tables = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery(
					"SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE'")) {
				while (rows.next()) {
					tables.add(rows.getString(1));
				}
			}
			// the emptied tables refer to each other (jobs and their chunks); all of them go, so order does not matter
			statement.execute("SET REFERENTIAL_INTEGRITY FALSE");
			for (String table : tables) {
				if (!isKept(table)) {
					statement.execute("DELETE FROM \"" + table + "\"");
					emptied.add(table);
				}
			}
			statement.execute("SET REFERENTIAL_INTEGRITY TRUE");
		}
		return emptied;
	}
}
