package org.dermconsent.patientapp;

import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a patient does in the app, step by step, as the browser shows it, and what a research client
 * then gets from the REST API; shared by the demo-mode test and the Keycloak journey. Every step
 * leaves a screenshot under target/screenshots/{prefix}-{step}.png.
 */
final class PatientJourney {

	static final Duration WAIT = Duration.ofSeconds(30);

	private final WebDriver driver;
	private final String prefix;
	private final DemoPatient patient;
	/** A request of the research client: its credentials (if any) and its purpose header, preset. */
	private final Supplier<RequestSpecification> research;
	private int step;

	PatientJourney(WebDriver driver, String prefix, DemoPatient patient, Supplier<RequestSpecification> research) {
		this.driver = driver;
		this.prefix = prefix;
		this.patient = patient;
		this.research = research;
	}

	void seesImagesAndChoices() {
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("status"), "Up to date."));
		assertThat(errors()).isEmpty();
		List<WebElement> images = driver.findElements(By.cssSelector("#images .gallery li[data-media-id]"));
		assertThat(images).extracting(image -> image.getAttribute("data-media-id"))
				.containsExactlyInAnyOrderElementsOf(patient.images());
		// every thumbnail was fetched through the server and decoded
		new WebDriverWait(driver, WAIT).until(d -> ((Long) ((JavascriptExecutor) d).executeScript(
				"return Array.from(document.querySelectorAll('#images img')).filter(i => i.complete && i.naturalWidth > 0).length"))
				== patient.images().size());
		assertThat(decision("research/deidentified")).isEqualTo("permit");
		assertThat(decision("research/identifiable")).isEqualTo("deny");
		assertThat(decision("ai-training/deidentified")).isEqualTo("deny");
		assertThat(driver.findElements(By.cssSelector("#choices-grid tbody tr"))).hasSizeGreaterThanOrEqualTo(6);
		assertThat(driver.findElement(By.cssSelector("#choices-grid tbody tr[data-use='ai-training'] th")).getText())
				.contains("computer programs");
		accessible();
		shot("images-and-choices");
	}

	/** Ticks de-identified AI training and saves: the summary and the REST API both show it in force. */
	void allowsAiTrainingOfDeidentifiedPhotos() {
		assertThat(researchSearch("ai-training")).isEmpty();
		WebElement box = driver.findElement(By.cssSelector("input[name='ai-training/deidentified']"));
		assertThat(box.isSelected()).isFalse();
		// the research answer of the current consent is pre-ticked: saving keeps it
		assertThat(driver.findElement(By.cssSelector("input[name='research/deidentified']")).isSelected()).isTrue();
		scrollTo(box);
		box.click();
		shot("choice-ticked");
		driver.findElement(By.id("save-choices")).click();
		// the status is said after the grid and the form are drawn again
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "saved"));
		assertThat(decision("ai-training/deidentified")).isEqualTo("permit");
		assertThat(decision("research/deidentified")).isEqualTo("permit");
		assertThat(errors()).isEmpty();
		shot("choice-saved");
		assertThat(researchSearch("ai-training")).containsExactly(patient.deidentifiedImage());
		assertThat(researchSearch("research")).containsExactly(patient.deidentifiedImage());
	}

	/** The research client reads the de-identified photo; the patient then sees who, what for and when. */
	void seesWhoUsedTheirImages(String expectedClient) {
		research.get().header("X-Purpose-Of-Use", "research").get("/Media/" + patient.deidentifiedImage())
				.then().statusCode(200);
		long deadline = System.nanoTime() + WAIT.toNanos();
		List<WebElement> rows = List.of();
		while (System.nanoTime() < deadline) {
			// the audit trail is stored in the background: reload until it is there
			driver.navigate().refresh();
			new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("status"), "Up to date."));
			rows = driver.findElements(By.cssSelector("#audit-table tbody tr[data-client]"));
			if (rows.stream().anyMatch(row -> row.getText().contains("Research"))) {
				break;
			}
			sleep();
		}
		assertThat(rows).anySatisfy(row -> assertThat(row.getText())
				.contains(expectedClient).contains("Research").contains("Media/" + patient.deidentifiedImage()).contains("Received"));
		scrollTo(driver.findElement(By.id("audit")));
		shot("who-used-my-images");
	}

	/** One confirmed step: nothing beyond the patient's own care is allowed, and the API agrees. */
	void withdrawsEverything() {
		WebElement withdraw = driver.findElement(By.id("withdraw-button"));
		scrollTo(withdraw);
		// by keyboard: the button opens the dialog, whose safe choice has the focus
		withdraw.sendKeys(Keys.ENTER);
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("withdraw-confirm")));
		assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("withdraw-cancel");
		shot("withdraw-confirm");
		driver.switchTo().activeElement().sendKeys(Keys.TAB);
		assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("withdraw-confirm");
		driver.switchTo().activeElement().sendKeys(Keys.ENTER);
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "withdrawn"));
		assertThat(decision("ai-training/deidentified")).isEqualTo("deny");
		assertThat(decision("research/deidentified")).isEqualTo("deny");
		List<WebElement> cells = driver.findElements(By.cssSelector("#choices-grid td[data-grant]"));
		assertThat(cells).allSatisfy(cell -> {
			String grant = cell.getAttribute("data-grant");
			assertThat(cell.getAttribute("data-decision")).as(grant).isEqualTo(grant.startsWith("clinical-care/") ? "permit" : "deny");
		});
		assertThat(errors()).isEmpty();
		shot("withdrawn");
		assertThat(researchSearch("research")).isEmpty();
		assertThat(researchSearch("ai-training")).isEmpty();
	}

	/**
	 * The research client asks twice (de-identified AI training of one photo; identifiable teaching of
	 * all); the app shows both with the reason, the requester and the photo, and the patient allows the
	 * first and declines the second. The API then shows the answers, and (where requests name their
	 * requester as consent actor, i.e. with security on) the allowed photo for that client only.
	 */
	void answersRequests(boolean permitIsForTheRequester) {
		assertThat(researchSearch("ai-training")).isEmpty();
		String allowed = ask("ai-training", "deidentified", patient.deidentifiedImage(),
				"May we use this de-identified photo to train a melanoma detection program?");
		String declined = ask("education", "identifiable", null, "May we show your photos to medical students?");
		driver.navigate().refresh();
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("status"), "Up to date."));
		assertThat(driver.findElements(By.cssSelector("#requests li.request")))
				.extracting(item -> item.getAttribute("data-task-id")).containsExactlyInAnyOrder(allowed, declined);
		WebElement first = request(allowed);
		assertThat(first.getText()).contains("melanoma detection program").contains("research-platform")
				.contains("cannot be recognised");
		assertThat(first.findElements(By.cssSelector("li[data-media]"))).extracting(image -> image.getAttribute("data-media"))
				.containsExactly("Media/" + patient.deidentifiedImage());
		new WebDriverWait(driver, WAIT).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
				"const i = arguments[0].querySelector('img'); return i !== null && i.complete && i.naturalWidth > 0", request(allowed)));
		assertThat(request(declined).getText()).contains("medical students").contains("All your photos");
		accessible();
		scrollTo(first);
		shot("open-requests");

		first.findElement(By.cssSelector("button[data-decision='permit']")).click();
		// the status is said once the requests and the choices are both loaded again
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "You allowed the request"));
		assertThat(driver.findElements(By.cssSelector("li[data-task-id='" + allowed + "']"))).isEmpty();
		request(declined).findElement(By.cssSelector("button[data-decision='deny']")).sendKeys(Keys.ENTER);
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "You declined the request"));
		assertThat(driver.findElements(By.cssSelector("li[data-task-id='" + declined + "']"))).isEmpty();
		assertThat(driver.findElement(By.cssSelector("#requests .requests")).getText()).contains("Nobody is asking you anything");
		assertThat(errors()).isEmpty();
		shot("requests-answered");

		var answer = research.get().header("X-Purpose-Of-Use", "ai-training").get("/Task/" + allowed).then().statusCode(200).extract().jsonPath();
		assertThat(answer.getString("status")).isEqualTo("completed");
		assertThat(answer.getString("output[0].valueReference.reference")).startsWith("Consent/");
		assertThat(research.get().header("X-Purpose-Of-Use", "ai-training").get("/Task/" + declined)
				.then().statusCode(200).extract().jsonPath().getString("status")).isEqualTo("rejected");
		if (permitIsForTheRequester) {
			assertThat(researchSearch("ai-training")).containsExactly(patient.deidentifiedImage());
		} else {
			// without tokens there is no requester to grant to: the permit names an actor nobody is
			assertThat(researchSearch("ai-training")).isEmpty();
		}
		assertThat(researchSearch("education")).isEmpty();
	}

	private String ask(String purpose, String identifiability, String image, String reason) {
		String taskType = "https://dermconsent.org/fhir/CodeSystem/task-type";
		String imageInput = image == null ? "" : """
				, {"type": {"coding": [{"system": "%s", "code": "image"}]}, "valueReference": {"reference": "Media/%s"}}"""
				.formatted(taskType, image);
		String body = """
				{"resourceType": "Task", "status": "requested", "intent": "proposal",
				 "code": {"coding": [{"system": "%1$s", "code": "consent-request"}]},
				 "description": "%2$s",
				 "for": {"reference": "Patient/%3$s"}, "requester": {"reference": "Device/research-platform"},
				 "restriction": {"period": {"end": "%4$s"}},
				 "input": [
				  {"type": {"coding": [{"system": "%1$s", "code": "purpose"}]},
				   "valueCoding": {"system": "https://dermconsent.org/fhir/CodeSystem/image-use", "code": "%5$s"}},
				  {"type": {"coding": [{"system": "%1$s", "code": "identifiability"}]},
				   "valueCoding": {"system": "https://dermconsent.org/fhir/CodeSystem/identifiability", "code": "%6$s"}}%7$s]}"""
				.formatted(taskType, reason, patient.id(), java.time.Instant.now().plus(java.time.Duration.ofDays(30)),
						purpose, identifiability, imageInput);
		return research.get().header("X-Purpose-Of-Use", "ai-training").contentType("application/fhir+json").body(body)
				.post("/Task").then().statusCode(201).extract().jsonPath().getString("id");
	}

	private WebElement request(String taskId) {
		return driver.findElement(By.cssSelector("li[data-task-id='" + taskId + "']"));
	}

	/** On a phone-sized screen nothing needs sideways scrolling. */
	void fitsAPhone() {
		driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
		driver.navigate().refresh();
		new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("status"), "Up to date."));
		Long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
				"return document.documentElement.scrollWidth - document.documentElement.clientWidth");
		assertThat(overflow).isLessThanOrEqualTo(0L);
		((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
		shot("phone");
		driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1600));
	}

	/** The ids of this patient's images a research-purpose search shows. */
	List<String> researchSearch(String purpose) {
		return research.get().header("X-Purpose-Of-Use", purpose).get("/Media?_id=" + String.join(",", patient.images()))
				.then().statusCode(200).extract().jsonPath().getList("entry.resource.id", String.class);
	}

	/** Read in one script: the app redraws the grid, so an element found before may be gone a moment later. */
	String decision(String grant) {
		return (String) ((JavascriptExecutor) driver).executeScript(
				"const cell = document.querySelector(\"td[data-grant='\" + arguments[0] + \"']\");"
						+ " return cell ? cell.getAttribute('data-decision') : null;", grant);
	}

	/** Every form control has a label, every image a text alternative, the page its landmarks. */
	private void accessible() {
		JavascriptExecutor js = (JavascriptExecutor) driver;
		assertThat((Long) js.executeScript("return Array.from(document.querySelectorAll('input')).filter(i => i.type !== 'hidden'"
				+ " && !document.querySelector('label[for=\"' + i.id + '\"]')).length")).isZero();
		assertThat((Long) js.executeScript("return Array.from(document.querySelectorAll('img')).filter(i => !i.alt).length")).isZero();
		assertThat(driver.findElements(By.cssSelector("header, nav, main, footer"))).hasSize(4);
	}

	@SuppressWarnings("unchecked")
	private List<String> errors() {
		// one script, for the same reason as decision()
		return (List<String>) ((JavascriptExecutor) driver).executeScript(
				"return Array.from(document.querySelectorAll('.error')).filter(e => e.offsetParent !== null).map(e => e.innerText);");
	}

	private void scrollTo(WebElement element) {
		((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
	}

	void shot(String name) {
		step++;
		Browser.screenshot(driver, String.format("%s-%02d-%s", prefix, step, name));
	}

	private static void sleep() {
		try {
			Thread.sleep(500);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}
