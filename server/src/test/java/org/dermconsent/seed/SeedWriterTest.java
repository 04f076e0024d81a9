package org.dermconsent.seed;

import org.dermconsent.support.ReadOnlyH2;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seed keeps the conformance package and drops every installation's own state, on a real H2 file database
 * laid out like a stopped server's (tables named as HAPI's and DermConsent's).
 */
class SeedWriterTest {

	@TempDir
	Path temp;
	private Path data;
	private Path seed;

	@BeforeEach
	void stoppedServer() throws Exception {
		data = Files.createDirectories(temp.resolve("data"));
		seed = temp.resolve("home/seed");
		Files.createDirectories(data.resolve("lucene/ResourceTable"));
		Files.writeString(data.resolve("lucene/ResourceTable/segments_1"), "index");
		sql(data, "CREATE TABLE HFJ_RESOURCE (RES_ID BIGINT PRIMARY KEY, RES_TYPE VARCHAR(40), FHIR_ID VARCHAR(100))",
				"INSERT INTO HFJ_RESOURCE VALUES (1, 'StructureDefinition', 'derm-media'), (2, 'CodeSystem', 'image-use')",
				"CREATE TABLE HFJ_SPIDX_TOKEN (SP_ID BIGINT PRIMARY KEY, RES_ID BIGINT REFERENCES HFJ_RESOURCE(RES_ID))",
				"INSERT INTO HFJ_SPIDX_TOKEN VALUES (10, 1)",
				"CREATE TABLE TRM_CONCEPT (PID BIGINT PRIMARY KEY, CODE VARCHAR(100))",
				"INSERT INTO TRM_CONCEPT VALUES (1, 'ai-training')",
				"CREATE TABLE DC_CONFORMANCE_INSTALL (PACKAGE_ID VARCHAR(100) PRIMARY KEY, CONTENT_HASH VARCHAR(64))",
				"INSERT INTO DC_CONFORMANCE_INSTALL VALUES ('dermconsent.fhir#0.1.0', 'abc')",
				"CREATE TABLE DC_DEID_SECRET (SECRET_NAME VARCHAR(64) PRIMARY KEY, SECRET_VALUE VARCHAR(200))",
				"INSERT INTO DC_DEID_SECRET VALUES ('patient-pseudonym', 'the build machine''s secret')",
				"CREATE TABLE BT2_JOB_INSTANCE (ID VARCHAR(100) PRIMARY KEY)",
				"INSERT INTO BT2_JOB_INSTANCE VALUES ('reindex')",
				"CREATE TABLE BT2_WORK_CHUNK (ID VARCHAR(100) PRIMARY KEY, INSTANCE_ID VARCHAR(100) REFERENCES BT2_JOB_INSTANCE(ID))",
				"INSERT INTO BT2_WORK_CHUNK VALUES ('chunk', 'reindex')",
				"CREATE TABLE HFJ_RESOURCE_MODIFIED (RES_ID VARCHAR(100) PRIMARY KEY)",
				"INSERT INTO HFJ_RESOURCE_MODIFIED VALUES ('SearchParameter/1')",
				"CREATE TABLE DC_SOMETHING_A_LATER_VERSION_ADDS (K VARCHAR(10))",
				"INSERT INTO DC_SOMETHING_A_LATER_VERSION_ADDS VALUES ('secret')");
	}

	@Test
	void theSeedKeepsTheConformancePackageAndEmptiesEveryOtherTable() throws Exception {
		SeedWriter.write(data, seed);

		assertThat(seed.resolve("lucene/ResourceTable/segments_1")).hasContent("index");
		assertThat(seed.resolveSibling("seed.partial")).doesNotExist();
		assertThat(count(seed, "HFJ_RESOURCE")).isEqualTo(2);
		assertThat(count(seed, "HFJ_SPIDX_TOKEN")).isEqualTo(1);
		assertThat(count(seed, "TRM_CONCEPT")).isEqualTo(1);
		assertThat(count(seed, "DC_CONFORMANCE_INSTALL")).isEqualTo(1);
		assertThat(count(seed, "DC_DEID_SECRET")).as("the pseudonym secret of the build's start").isZero();
		assertThat(count(seed, "BT2_JOB_INSTANCE")).isZero();
		assertThat(count(seed, "BT2_WORK_CHUNK")).isZero();
		assertThat(count(seed, "HFJ_RESOURCE_MODIFIED")).isZero();
		assertThat(count(seed, "DC_SOMETHING_A_LATER_VERSION_ADDS")).as("a table the writer has never heard of").isZero();
	}

	@Test
	void aDatabaseHoldingAnythingButConformanceResourcesMakesNoSeed() throws Exception {
		sql(data, "INSERT INTO HFJ_RESOURCE VALUES (3, 'Patient', 'someone')");

		assertThatThrownBy(() -> SeedWriter.write(data, seed)).hasMessageContaining("[Patient]");
		assertThat(seed).doesNotExist();
	}

	@Test
	void aNewSeedReplacesTheLastOneWhole() throws Exception {
		Files.createDirectories(seed.resolve("lucene/Old"));
		Files.writeString(seed.resolve("lucene/Old/segments_7"), "the last build's index");

		SeedWriter.write(data, seed);

		assertThat(seed.resolve("lucene/Old")).doesNotExist();
		assertThat(seed.resolve("dermconsent.mv.db")).isNotEmptyFile();
	}

	private static void sql(Path directory, String... statements) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("dermconsent"), "sa", "");
				Statement statement = connection.createStatement()) {
			for (String each : statements) {
				statement.execute(each);
			}
		}
	}

	private static long count(Path directory, String table) throws SQLException {
		return ReadOnlyH2.count(directory.resolve("dermconsent"), "SELECT COUNT(*) FROM " + table);
	}
}
