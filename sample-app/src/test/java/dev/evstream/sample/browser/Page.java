package dev.evstream.sample.browser;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A window of a {@link Browser}: runs scripts in it, types into it, and waits for
 * conditions by polling the page's own JavaScript, each wait bounded by
 * {@link Browser#TIMEOUT}.
 *
 * @since 0.1.0
 */
final class Page implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(25);

	private final Browser browser;

	private final String handle;

	Page(Browser browser, String handle) {
		this.browser = browser;
		this.handle = handle;
	}

	/**
	 * Runs a script as the body of a function, with {@code arguments} bound to the given
	 * arguments. A returned promise is awaited.
	 * @param script the function body
	 * @param arguments its arguments
	 * @return what the script returned, as Selenium converts it
	 */
	Object script(String script, Object... arguments) {
		return this.browser.in(this.handle, (driver) -> driver.executeScript(script, arguments));
	}

	/**
	 * Waits until a JavaScript expression is truthy.
	 * @param what what is awaited, for the failure message
	 * @param expression the expression, which may use {@code arguments}
	 * @param arguments its arguments
	 */
	void await(String what, String expression, Object... arguments) {
		awaitValue(what, "return (" + expression + ") ? true : null;", arguments);
	}

	/**
	 * Waits until a script returns something other than {@code null} or
	 * {@code undefined}, and returns that. A script that throws counts as not yet.
	 * @param what what is awaited, for the failure message
	 * @param script the function body
	 * @param arguments its arguments
	 * @return the first value
	 */
	Object awaitValue(String what, String script, Object... arguments) {
		long deadline = System.nanoTime() + Browser.TIMEOUT.toNanos();
		WebDriverException lastError = null;
		while (true) {
			try {
				Object value = script(script, arguments);
				if (value != null) {
					return value;
				}
			}
			catch (JavascriptException ex) {
				lastError = ex;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Waited " + Browser.TIMEOUT.toSeconds() + " s for " + what + " in vain"
						+ ((lastError != null) ? "; last script error: " + lastError.getRawMessage() : "")
						+ "\nstatus line: " + text("status") + "\nerror line: " + text("error") + "\nbrowser console:\n"
						+ console());
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for " + what, ex);
			}
		}
	}

	/**
	 * Waits until the page's client ({@code window.evstream}) is connected.
	 */
	void awaitOpen() {
		await("the page's client to connect", "window.evstream && window.evstream.status === 'open'");
	}

	/**
	 * Replaces the text of an input as a user would, and leaves it, so that it fires
	 * {@code change}.
	 * @param id the input's id
	 * @param text the new text
	 */
	void type(String id, String text) {
		this.browser.in(this.handle, (driver) -> {
			WebElement input = driver.findElement(By.id(id));
			input.click();
			input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
			input.sendKeys(text, Keys.TAB);
			return null;
		});
	}

	/**
	 * Clicks an element.
	 * @param id the element's id
	 */
	void click(String id) {
		this.browser.in(this.handle, (driver) -> {
			driver.findElement(By.id(id)).click();
			return null;
		});
	}

	/**
	 * Returns the value of an input, or the text of another element.
	 * @param id the element's id
	 * @return its value or text, or {@code null} if there is no such element
	 */
	String text(String id) {
		try {
			return (String) script("const e = document.getElementById(arguments[0]);"
					+ " return e == null ? null : ('value' in e ? e.value : e.textContent);", id);
		}
		catch (WebDriverException ex) {
			return "(unreadable: " + ex.getRawMessage() + ")";
		}
	}

	String console() {
		try {
			List<LogEntry> entries = this.browser.in(this.handle,
					(driver) -> driver.manage().logs().get(LogType.BROWSER).getAll());
			return entries.stream()
				.map((entry) -> "  " + entry.getLevel() + " " + entry.getMessage())
				.collect(Collectors.joining("\n"));
		}
		catch (WebDriverException ex) {
			return "  (unreadable: " + ex.getRawMessage() + ")";
		}
	}

	@Override
	public void close() {
		this.browser.close(this.handle);
	}

}
