package org.dermconsent.patientapp;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import io.restassured.RestAssured;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.Browser;
import org.dermconsent.support.KeycloakServer;
import org.dermconsent.support.KeycloakServerExtension;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The person's journey with security on, against the real Keycloak realm of docker/keycloak: the
 * patient opens the served app, is sent to Keycloak's own login page, signs in as patient-demo
 * (SMART standalone launch, PKCE, the public client smart-patient-app), sees their images and
 * choices, changes a choice and sees it in force for the research-platform client (client
 * credentials), sees the research client's read in their audit list, and withdraws everything.
 * The server listens on the fixed port the realm has a redirect URI for.
 */
@ExtendWith(KeycloakServerExtension.class)
@SpringBootTest(
		classes = DermConsentApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = {
			// the test servers share one JVM: an idle server's full collection would pause the others' tests
			"dermconsent.memory.idle-after=1h",
			"server.port=" + PatientAppKeycloakIT.PORT,
			"spring.datasource.url=jdbc:h2:mem:dermconsent-patient-app-it;DB_CLOSE_DELAY=-1",
			"spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
			"dermconsent.security.enabled=true",
			"dermconsent.security.issuer-uri=" + KeycloakServer.ISSUER
		})
class PatientAppKeycloakIT {

	/** docker/keycloak/dermconsent-realm.json registers http://127.0.0.1:18080/patient-app/ for smart-patient-app. */
	static final int PORT = 18080;
	private static final String APP = "http://127.0.0.1:" + PORT + "/patient-app/";
	private static final String FHIR = "http://127.0.0.1:" + PORT + "/fhir";

	private static KeycloakServer keycloak;

	@Autowired
	DaoRegistry daoRegistry;

	@Autowired
	FhirContext fhirContext;

	private WebDriver driver;

	@BeforeAll
	static void realm(KeycloakServer server) {
		keycloak = server;
	}

	/** The demo data exactly as a newcomer loads it: the ids the realm's patient-demo user is linked to. */
	@BeforeEach
	void demoPatientAndBrowser() {
		DemoPatient patient = DemoPatient.asShipped();
		Bundle transaction = fhirContext.newJsonParser().parseResource(Bundle.class, patient.transaction());
		daoRegistry.getSystemDao().transaction(new SystemRequestDetails(), transaction);
		driver = Browser.start();
	}

	@AfterEach
	void closeBrowser() {
		if (driver != null) {
			driver.quit();
		}
	}

	@Test
	void thePatientSignsInOnKeycloakAndManagesTheirChoices() {
		driver.get(APP);
		// SMART standalone launch: the app discovers Keycloak from the server and sends the browser there
		WebElement username = new WebDriverWait(driver, PatientJourney.WAIT)
				.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
		assertThat(driver.getCurrentUrl()).startsWith(KeycloakServer.ISSUER + "/protocol/openid-connect/auth")
				.contains("client_id=smart-patient-app").contains("code_challenge_method=S256")
				.contains("redirect_uri=" + java.net.URLEncoder.encode(APP, java.nio.charset.StandardCharsets.UTF_8));
		PatientJourney journey = new PatientJourney(driver, "keycloak", DemoPatient.asShipped(), () -> RestAssured.given()
				.baseUri(FHIR).accept("application/fhir+json")
				.header("Authorization", "Bearer " + keycloak.clientCredentials(KeycloakServer.RESEARCH_PLATFORM,
						KeycloakServer.RESEARCH_SECRET).accessToken()));
		username.sendKeys(KeycloakServer.PATIENT_USER);
		driver.findElement(By.id("password")).sendKeys(KeycloakServer.PATIENT_PASSWORD);
		journey.shot("keycloak-login");
		driver.findElement(By.id("kc-login")).click();

		new WebDriverWait(driver, PatientJourney.WAIT).until(ExpectedConditions.urlMatches("^" + APP.replace(".", "\\.")));
		new WebDriverWait(driver, PatientJourney.WAIT)
				.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as patient " + KeycloakServer.PATIENT_ID));
		assertThat(driver.findElement(By.id("demo-banner")).isDisplayed()).isFalse();
		assertThat(driver.findElement(By.id("demo-patient")).isDisplayed()).isFalse();

		journey.seesImagesAndChoices();
		journey.allowsAiTrainingOfDeidentifiedPhotos();
		journey.seesWhoUsedTheirImages(KeycloakServer.RESEARCH_PLATFORM);
		journey.withdrawsEverything();
		journey.answersRequests(true);
	}
}
