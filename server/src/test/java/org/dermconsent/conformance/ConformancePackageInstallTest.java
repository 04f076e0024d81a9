package org.dermconsent.conformance;

import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import org.springframework.test.annotation.DirtiesContext;

import org.dermconsent.support.FhirApi;
import org.dermconsent.DermConsentApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Installing the package is what every startup does; doing it again must not duplicate anything,
 * and a new release of a resource must replace the old one.
 *
 * <p>Its own server and database: replacing a CodeSystem leaves HAPI's terminology and validation
 * caches settling for a while, and the server is closed afterwards. On the shared in-memory database
 * the next server would start over the data without the in-memory search index that described it
 * ({@code $subsumes} then answered "not-subsumed" for the image-use hierarchy).
 */
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"spring.datasource.url=jdbc:h2:mem:dermconsent-package-install-test;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap"
		})
@DirtiesContext
class ConformancePackageInstallTest extends FhirApi {

	private static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
	private static final String NAMING_SYSTEM = "client-id";

	@Autowired
	ConformanceResourceInstaller installer;

	@Autowired
	ITermDeferredStorageSvc deferredTerminology;

	@Autowired
	ConformanceInstallation installation;

	@Test
	void aStartOverAnUnchangedDatabaseStoresNothing() {
		installation.installWhatChanged(); // whatever the other tests of this class left
		String versionBefore = fhir().get("/NamingSystem/" + NAMING_SYSTEM).path("meta.versionId");

		assertThat(installation.installWhatChanged()).isEmpty();
		assertThat(installation.installWhatChanged()).isEmpty();
		fhir().get("/NamingSystem/" + NAMING_SYSTEM).then().body("meta.versionId", equalTo(versionBefore));
	}

	@Test
	void aConformanceResourceChangedOrDeletedOverRestIsStoredAgainByTheNextStart() {
		String packageId = ConformancePackage.fromClasspath().id();
		installation.installWhatChanged();
		String stored = fhir().get("/NamingSystem/" + NAMING_SYSTEM).then().statusCode(200).extract().asString();
		String description = fhir().get("/NamingSystem/" + NAMING_SYSTEM).path("description");

		fhir().body(stored.replace(description, "changed over REST")).put("/NamingSystem/" + NAMING_SYSTEM).then().statusCode(200);
		assertThat(installation.installWhatChanged()).containsExactly(packageId);
		fhir().get("/NamingSystem/" + NAMING_SYSTEM).then().body("description", equalTo(description));

		fhir().delete("/NamingSystem/" + NAMING_SYSTEM).then().statusCode(200);
		fhir().get("/NamingSystem/" + NAMING_SYSTEM).then().statusCode(410);
		assertThat(installation.installWhatChanged()).containsExactly(packageId);
		fhir().get("/NamingSystem/" + NAMING_SYSTEM).then().statusCode(200).body("description", equalTo(description));

		assertThat(installation.installWhatChanged()).isEmpty();
	}

	@Test
	void reinstallingOnRestartChangesNothing() {
		ConformancePackage dermconsent = ConformancePackage.fromClasspath();
		String versionBefore = fhir().get("/CodeSystem/image-use").path("meta.versionId");

		ConformanceResourceInstaller.InstallReport report = installer.install(dermconsent.id(), dermconsent.conformanceResources());

		assertThat(report.created()).isZero();
		assertThat(report.updated()).isZero();
		assertThat(report.unchanged()).isEqualTo(dermconsent.conformanceResources().size());
		fhir().get("/CodeSystem?url=" + IMAGE_USE).then().body("total", equalTo(1));
		fhir().get("/CodeSystem/image-use").then().body("meta.versionId", equalTo(versionBefore));
	}

	@Test
	void twoNodesStoringTheSameNewPackageAtOnceBothSucceed() throws Exception {
		String suffix = testTag.substring(2, 10);
		List<String> resources = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String id = "install-race-" + suffix + "-" + i;
			resources.add("{\"resourceType\":\"NamingSystem\",\"id\":\"" + id + "\",\"name\":\"InstallRace" + i + "\","
					+ "\"status\":\"active\",\"kind\":\"identifier\",\"date\":\"2026-12-05\","
					+ "\"uniqueId\":[{\"type\":\"uri\",\"value\":\"https://example.org/" + id + "\"}]}");
		}
		CyclicBarrier together = new CyclicBarrier(2);
		ExecutorService nodes = Executors.newFixedThreadPool(2);
		try {
			List<Future<ConformanceResourceInstaller.InstallReport>> reports = new ArrayList<>();
			for (int node = 0; node < 2; node++) {
				reports.add(nodes.submit(() -> {
					together.await(30, TimeUnit.SECONDS);
					return installer.install("race test package", resources);
				}));
			}
			int created = 0;
			for (Future<ConformanceResourceInstaller.InstallReport> report : reports) {
				created += report.get(60, TimeUnit.SECONDS).created();
			}
			assertThat(created).as("each resource created by one node only").isEqualTo(resources.size());
		} finally {
			nodes.shutdownNow();
		}
		for (int i = 0; i < 3; i++) {
			fhir().get("/NamingSystem/install-race-" + suffix + "-" + i + "/_history?_summary=count").then().statusCode(200)
					.body("total", equalTo(1));
		}
	}

	@Test
	void aNewVersionReplacesTheStoredResource() {
		ConformancePackage dermconsent = ConformancePackage.fromClasspath();
		String imageUse = dermconsent.conformanceResources().stream()
				.filter(json -> json.matches("(?s).*\"url\"\\s*:\\s*\"" + IMAGE_USE + "\".*"))
				.findFirst().orElseThrow();
		String nextRelease = imageUse.replaceFirst("\"version\"\\s*:\\s*\"0\\.1\\.0\"", "\"version\": \"0.1.1-test\"");
		assertThat(nextRelease).isNotEqualTo(imageUse);
		try {
			ConformanceResourceInstaller.InstallReport report = installer.install(dermconsent.id(), List.of(nextRelease));

			assertThat(report.updated()).isEqualTo(1);
			fhir().get("/CodeSystem?url=" + IMAGE_USE).then().body("total", equalTo(1))
					.body("entry[0].resource.version", equalTo("0.1.1-test"));
		} finally {
			installer.install(dermconsent.id(), List.of(imageUse));
			// HAPI stores a changed CodeSystem's concepts in the background; other tests validate against them
			deferredTerminology.saveAllDeferred();
		}
		fhir().get("/CodeSystem?url=" + IMAGE_USE).then().body("entry[0].resource.version", equalTo("0.1.0"));
		fhir().get("/CodeSystem/$subsumes?system=" + IMAGE_USE + "&codeA=secondary-use&codeB=ai-training")
				.then().statusCode(200).body("parameter[0].valueCode", equalTo("subsumes"));
	}
}
