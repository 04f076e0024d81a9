package org.dermconsent.support;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Headless Chromium of the machine (Debian packages {@code chromium} and {@code chromium-driver},
 * which .ci/run installs), driven by Selenium. Selenium Manager never runs: the driver and browser
 * paths are given, so nothing is downloaded. A missing browser fails the test with what to install.
 */
public final class Browser {

	public static final String CHROMIUM = System.getProperty("dermconsent.chromium", "/usr/bin/chromium");
	public static final String CHROMEDRIVER = System.getProperty("dermconsent.chromedriver", "/usr/bin/chromedriver");
	/** Where each step's screenshot goes (the module's target/, beside the test reports). */
	public static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private Browser() {}

	/** A headless browser with a fixed window (desktop width; tests may resize it to a phone's). */
	public static ChromeDriver start() {
		for (String path : new String[] {CHROMIUM, CHROMEDRIVER}) {
			if (!Files.isExecutable(Path.of(path))) {
				throw new IllegalStateException(path + " is missing: the browser tests need Chromium and its driver "
						+ "(Debian: apt-get install -y chromium chromium-driver; .ci/run installs them)");
			}
		}
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		// --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1280,1600", "--lang=en-GB", "--no-first-run", "--no-default-browser-check",
				"--disable-extensions", "--disable-background-networking", "--disable-component-update");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
				.usingAnyFreePort().build();
		return new ChromeDriver(service, options);
	}

	/** The browser's viewport as a PNG under target/screenshots/{name}.png. */
	public static Path screenshot(WebDriver driver, String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Path file = SCREENSHOTS.resolve(name + ".png");
			File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
			Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
			return file;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
