package org.dermconsent.seed;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermExamples;
import org.dermconsent.support.LaunchedServer;
import org.dermconsent.support.ReadOnlyH2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.oneOf;

/**
 * The packaged server's first start on a new embedded database, as the README's start command makes it: the
 * database comes from the seed the build prepared (bin/dermconsent-prepare), and the server then behaves as one
 * that stored the conformance package itself: its profiles and terminology validate writes, its search
 * parameters search, its ValueSets expand. The seed carries no installation's own state, so the server makes
 * its own pseudonym secret. Runs in the integration-test phase (failsafe), after the package.
 */
class FirstStartSeedIT {

	private static final String IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability";

	@TempDir
	Path temp;

	private int port;

	@Test
	void aNewEmbeddedDatabaseStartsFromTheBuildsSeedAndServesAsIfItHadStoredThePackageItself() throws Exception {
		Path home = LaunchedServer.packagedHome();
		Path seed = home.resolve("seed");
		assertThat(seed.resolve("dermconsent.mv.db")).as("the build's seed (was the build run with -Ddermconsent.prepare.skip=true?)")
				.isNotEmptyFile();
		assertThat(count(seed, "SELECT COUNT(*) FROM DC_DEID_SECRET")).as("pseudonym secrets in the seed").isZero();
		assertThat(count(seed, "SELECT COUNT(*) FROM BT2_JOB_INSTANCE")).as("background jobs in the seed").isZero();
		assertThat(count(seed, "SELECT COUNT(*) FROM HFJ_RESOURCE WHERE RES_TYPE NOT IN ('" + String.join("','",
				SeedWriter.CONFORMANCE_TYPES) + "')")).as("resources other than the conformance package's").isZero();

		Path work = Files.createDirectories(temp.resolve("work"));
		Path log = temp.resolve("server.log");
		port = LaunchedServer.freePort();
		try (LaunchedServer server = LaunchedServer.start(home, "-Xmx768m", port, work, log)) { // the embedded defaults: ./data
			assertThat(log).content().contains("New database " + work.resolve("data/dermconsent.mv.db") + ": copied from " + seed)
					.contains("Conformance package dermconsent.fhir#0.1.0 is stored as its last install left it")
					.doesNotContain("installed: created=").doesNotContain(" ERROR ");

			fhir().get("/StructureDefinition/derm-media").then().statusCode(200);
			List<Path> examples = DermExamples.storable().stream()
					// the patient and organisation first, a derived image after its source
					.sorted(Comparator.comparing((Path file) -> !Set.of("Patient", "Organization")
							.contains(DermExamples.resourceType(DermExamples.read(file))))
							.thenComparing(file -> file.getFileName().toString().contains("deidentified")))
					.toList();
			for (Path example : examples) {
				String json = DermExamples.read(example);
				fhir().body(json).put("/" + DermExamples.resourceType(json) + "/" + DermExamples.id(json))
						.then().statusCode(oneOf(200, 201));
			}
			fhir().body(DermExamples.read(DermExamples.ROOT.resolve("invalid/Consent-purpose-not-in-valueset.json"))).post("/Consent")
					.then().statusCode(422);
			fhir().get("/Consent?derm-purpose=ai-training&_summary=count").then().statusCode(200).body("total", greaterThan(0));
			fhir().get("/ValueSet/$expand?url=" + IDENTIFIABILITY.replace("CodeSystem", "ValueSet")).then().statusCode(200)
					.body("expansion.contains.code", hasItem("deidentified"));
		} // stopped: its database file can be read
		assertThat(count(work.resolve("data"), "SELECT COUNT(*) FROM DC_DEID_SECRET")).as("the installation's own secret").isEqualTo(1);
	}

	private RequestSpecification fhir() {
		return RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir")
				.accept("application/fhir+json").contentType("application/fhir+json");
	}

	private static long count(Path directory, String query) throws SQLException {
		return ReadOnlyH2.count(directory.resolve("dermconsent"), query);
	}
}
