package dev.evstream.sample.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium for a test class, driven through the {@code chromedriver} found
 * on disk: Debian's {@code chromium} and {@code chromium-driver} packages, or the
 * executables named by {@code CHROMIUM} and {@code CHROMEDRIVER}. Selenium never looks
 * for or downloads a driver: with the executable given, it does not start Selenium
 * Manager.
 * <p>
 * Each {@link #open(String) page} is a window of its own, with its own JavaScript world
 * and connections; the first window stays blank so that closing pages never ends the
 * session. When an executable is missing the test is skipped, but fails under
 * {@code CI=true}, where a skipped browser test would hide a broken client.
 *
 * @since 0.1.0
 */
final class Browser implements AutoCloseable {

	/**
	 * Bound of every wait in a page, and of scripts returning a promise.
	 */
	static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Selenium warns at every start that it has no DevTools (CDP) support for this
	 * Chromium's version; the tests use WebDriver only, so they need none. Held here, as
	 * {@code java.util.logging} keeps its loggers weakly.
	 */
	private static final List<Logger> QUIET = List.of(Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
			Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

	private final ChromeDriver driver;

	private final String home;

	private Browser(ChromeDriver driver) {
		this.driver = driver;
		this.home = driver.getWindowHandle();
	}

	/**
	 * Starts a headless Chromium, or skips (fails, under {@code CI=true}) the calling
	 * test when Chromium or its driver is not installed.
	 * @return the browser
	 */
	static Browser start() {
		QUIET.forEach((logger) -> logger.setLevel(Level.SEVERE));
		Path chromium = executable("CHROMIUM", "/usr/bin/chromium", "chromium");
		Path chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		// no sandbox as root (CI); containers have a small /dev/shm
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1024,768",
				"--no-first-run", "--disable-background-networking");
		// read back when a wait times out, to say what went wrong in the page
		options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().scriptTimeout(TIMEOUT);
		return new Browser(driver);
	}

	private static Path executable(String variable, String standard, String debianPackage) {
		String configured = System.getenv(variable);
		Path path = Path.of((configured != null && !configured.isBlank()) ? configured : standard);
		if (!Files.isExecutable(path)) {
			String message = "The browser tests need " + path + ", which is missing or not executable: install "
					+ "the Debian package '" + debianPackage
					+ "' (apt-get install -y chromium chromium-driver), or set " + variable + " to its path";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				Assertions.fail(message);
			}
			Assumptions.abort(message);
		}
		return path;
	}

	/**
	 * Opens a page in a new window and waits for it to load.
	 * @param url the page's address
	 * @return the page, to be closed by the caller
	 */
	synchronized Page open(String url) {
		this.driver.switchTo().newWindow(WindowType.WINDOW);
		String handle = this.driver.getWindowHandle();
		this.driver.get(url);
		return new Page(this, handle);
	}

	/**
	 * Runs an action with the driver focused on one window; pages share the driver.
	 * @param handle the window
	 * @param action the action
	 * @param <T> the result type
	 * @return the action's result
	 */
	synchronized <T> T in(String handle, Function<ChromeDriver, T> action) {
		if (!handle.equals(this.driver.getWindowHandle())) {
			this.driver.switchTo().window(handle);
		}
		return action.apply(this.driver);
	}

	synchronized void close(String handle) {
		this.driver.switchTo().window(handle);
		this.driver.close();
		this.driver.switchTo().window(this.home);
	}

	@Override
	public synchronized void close() {
		this.driver.quit();
	}

}
