package org.dermconsent.conformance;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.DermConsentApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A restart is a new JVM-level start of the whole application over the database the last run left:
 * the terminology it installs again must stay single. Two real starts over one H2 file database.
 */
class TerminologyRestartTest {

	private static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";

	@TempDir
	Path dataDirectory;

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void restartOverTheSameDatabaseKeepsTerminologySingle(CapturedOutput output) {
		String firstVersion;
		try (ConfigurableApplicationContext first = start()) {
			fhir(first).get("/CodeSystem?url=" + IMAGE_USE).then().statusCode(200).body("total", equalTo(1));
			firstVersion = fhir(first).get("/CodeSystem?url=" + IMAGE_USE).path("entry[0].resource.meta.versionId");
		}
		assertThat(firstVersion).isNotNull();
		assertThat(dataDirectory.resolve("db.mv.db")).as("the first run's database is on disk").isRegularFile();

		int secondStartsAt = output.getOut().length();
		try (ConfigurableApplicationContext second = start()) {
			assertThat(output.getOut().substring(secondStartsAt))
					.as("the second start finds the package as the first one left it and does not store it again")
					.contains("Conformance package dermconsent.fhir#0.1.0 is stored as its last install left it")
					.contains("Conformance package dermconsent server search parameters is stored as its last install left it")
					.doesNotContain("installed: created=");
			fhir(second).get("/CodeSystem?url=" + IMAGE_USE).then().statusCode(200)
					.body("total", equalTo(1))
					.body("entry[0].resource.meta.versionId", equalTo(firstVersion));
			fhir(second).get("/CodeSystem/$lookup?system=" + IMAGE_USE + "&code=ai-training").then().statusCode(200)
					.body("parameter.find { it.name == 'display' }.valueString", equalTo("AI training"));
		}
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(DermConsentApplication.class).run(
				"--server.port=0",
				"--spring.datasource.url=jdbc:h2:file:" + dataDirectory.resolve("db"),
				"--spring.jpa.properties.hibernate.search.backend.directory.root=" + dataDirectory.resolve("lucene"));
		assertThat(context.isActive()).isTrue();
		return context;
	}

	private static RequestSpecification fhir(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return RestAssured.given().baseUri("http://127.0.0.1:" + port + "/fhir").accept("application/fhir+json");
	}
}
