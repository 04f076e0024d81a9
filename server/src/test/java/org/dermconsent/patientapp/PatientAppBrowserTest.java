package org.dermconsent.patientapp;

import io.restassured.RestAssured;
import org.dermconsent.support.Browser;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The patient app in a real (headless) Chromium against the embedded server with security off: the
 * demo mode says so, lets the user pick the patient, and the whole journey works: images and
 * choices, a changed choice in force through the REST API, the audit list after a research read,
 * withdrawing everything, a phone-sized screen. The research client is any caller with a purpose
 * header (there are no tokens in this mode).
 */
@H2ServerTest
class PatientAppBrowserTest extends FhirApi {

	private WebDriver driver;
	private DemoPatient patient;

	@BeforeEach
	void demoPatientAndBrowser() {
		patient = DemoPatient.withPrefix("b" + UUID.randomUUID().toString().substring(0, 8) + "-");
		fhir().body(patient.transaction()).post("").then().statusCode(200);
		driver = Browser.start();
	}

	@AfterEach
	void closeBrowser() {
		if (driver != null) {
			driver.quit();
		}
	}

	@Test
	void aPatientSeesChangesAndWithdrawsTheirChoicesInDemoMode() {
		driver.get("http://127.0.0.1:" + port + "/patient-app/");
		new WebDriverWait(driver, PatientJourney.WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-banner")));
		assertThat(driver.findElement(By.id("demo-banner")).getText())
				.contains("Demo mode: security is off - anyone can act as any patient");
		var input = driver.findElement(By.id("patient-id"));
		assertThat(input.getAttribute("value")).isEqualTo("demo-patient-1");
		input.clear();
		input.sendKeys(patient.id());
		driver.findElement(By.cssSelector("#demo-patient button[type=submit]")).click();
		new WebDriverWait(driver, PatientJourney.WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), patient.id()));

		PatientJourney journey = new PatientJourney(driver, "demo", patient,
				() -> RestAssured.given().baseUri(baseUrl()).accept(FHIR_JSON));
		journey.seesImagesAndChoices();
		journey.allowsAiTrainingOfDeidentifiedPhotos();
		journey.seesWhoUsedTheirImages("a program without sign-in (demo mode)");
		journey.withdrawsEverything();
		journey.answersRequests(false);
		journey.fitsAPhone();
	}

	@Test
	void anUnknownPatientHasNoPhotosAndTheServersRefusalIsShownAsText() {
		driver.get("http://127.0.0.1:" + port + "/patient-app/");
		var input = new WebDriverWait(driver, PatientJourney.WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("patient-id")));
		input.clear();
		input.sendKeys("nobody-" + UUID.randomUUID().toString().substring(0, 8));
		driver.findElement(By.cssSelector("#demo-patient button[type=submit]")).click();
		new WebDriverWait(driver, PatientJourney.WAIT).until(ExpectedConditions.textToBe(By.id("status"), "Up to date."));
		assertThat(driver.findElement(By.cssSelector("#images .gallery")).getText()).contains("No photos of you are stored.");
		// the summary of a patient the server does not know is a 404: said in words, not left blank
		var error = driver.findElement(By.cssSelector("#choices .section-error"));
		assertThat(error.isDisplayed()).isTrue();
		assertThat(error.getText()).startsWith("Your choices could not be loaded: Not found.");
		Browser.screenshot(driver, "demo-unknown-patient");
	}
}
