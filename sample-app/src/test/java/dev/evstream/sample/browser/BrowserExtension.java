package dev.evstream.sample.browser;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link Browser} for a test class: {@code @RegisterExtension static final
 * BrowserExtension browser = new BrowserExtension();}. It starts before the first test
 * rather than before the class, so that each test reports itself skipped when Chromium is
 * missing (a failure before the class would report no test at all), and closes after the
 * class.
 */
final class BrowserExtension implements BeforeEachCallback, AfterAllCallback {

	private @Nullable Browser browser;

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.browser == null) {
			this.browser = Browser.start();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.browser != null) {
			this.browser.close();
			this.browser = null;
		}
	}

	/**
	 * Opens a page in a window of its own.
	 * @param url the address of the page
	 * @return the page
	 */
	Page open(String url) {
		if (this.browser == null) {
			throw new IllegalStateException("The browser starts before each test: open pages from tests only");
		}
		return this.browser.open(url);
	}

}
