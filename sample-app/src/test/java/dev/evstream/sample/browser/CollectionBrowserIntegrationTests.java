package dev.evstream.sample.browser;

import java.util.Map;
import java.util.UUID;

import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.UpdateOp;
import dev.evstream.sample.TodoCollection.Todo;
import dev.evstream.test.net.TcpProxy;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample page's todo list in a real Chromium, on the client's collections: two pages
 * of one user see each other's changes, a write shows at once and is confirmed, refused
 * writes roll back, and after a network cut the page shows the server's list. The pages
 * are anonymous, so they share the guest list; each test uses items of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class CollectionBrowserIntegrationTests {

	private static final String GROUP = "guest";

	/** The list element of the item whose id is the script's first argument. */
	private static final String ITEM = "document.querySelector('#todo-list li[data-id=\"' + arguments[0] + '\"]')";

	private static final String CHECKBOX = ITEM + ".querySelector('input[type=checkbox]')";

	private static final String TITLE = ITEM + ".querySelector('.todo-text').value";

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	EvCollection<Todo> todos;

	@Test
	void addToggleAndDeleteOnOnePageShouldShowOnTheOther() {
		try (Page a = openPage(this.port); Page b = openPage(this.port)) {
			String title = "milk " + unique();
			a.type("todo-title", title);
			a.click("todo-add");
			String id = (String) b.awaitValue("page B to show the todo added on page A",
					"return [...document.querySelectorAll('#todo-list li')]"
							+ ".find((li) => li.querySelector('.todo-text').value === arguments[0])?.dataset.id;",
					title);
			assertThat(todo(id)).isEqualTo(new Todo(title, false));
			a.script(CHECKBOX + ".click()", id);
			b.await("page B to show the todo done", CHECKBOX + ".checked", id);
			assertThat(todo(id)).isEqualTo(new Todo(title, true));
			a.script(ITEM + ".querySelector('.todo-delete').click()", id);
			b.await("page B to drop the deleted todo", ITEM + " === null", id);
			a.await("page A to drop the deleted todo", ITEM + " === null", id);
			assertThat(todo(id)).isNull();
			assertThat(a.text("error")).isEmpty();
		}
	}

	@Test
	void createShouldShowAtOnceAndBeConfirmed() {
		try (Page page = openPage(this.port)) {
			String id = "t-" + unique();
			Object shownAtOnce = page
				.script("window.written = todos.set(arguments[0], { title: 'at once', completed: false });"
						+ " return todos.items.has(arguments[0]) && " + ITEM + " !== null;", id);
			assertThat(shownAtOnce).as("the todo on the page before the server answered").isEqualTo(true);
			Object answer = page.script("return written.then((todo) => JSON.stringify(todo))");
			assertThat(json(answer)).isEqualTo(json("{\"title\":\"at once\",\"completed\":false}"));
			assertThat(todo(id)).isEqualTo(new Todo("at once", false));
			// confirmed by its change event, the write no longer shows over the server's
			// later changes: at once, not when an unconfirmed write would be given up
			this.todos.update(GROUP, id, UpdateOp.set("title", "changed by the server")).block(Browser.TIMEOUT);
			Object shownSoon = page.script("const deadline = Date.now() + 2000;"
					+ " return new Promise((resolve) => { const poll = () => {"
					+ " if (todos.items.get(arguments[0]).title === 'changed by the server') resolve(true);"
					+ " else if (Date.now() > deadline) resolve(false); else setTimeout(poll, 20); }; poll(); });", id);
			assertThat(shownSoon).as("the server's change shown within 2 s").isEqualTo(true);
			page.await("the page to show the server's change", TITLE + " === 'changed by the server'", id);
		}
	}

	@Test
	void writeToAnotherUsersListShouldRollBack() {
		try (Page page = openPage(this.port)) {
			String id = "t-" + unique();
			Object outcome = page.script("const other = evstream.collection('todos', 'someone-else');"
					+ " const seen = []; other.subscribe((items) => seen.push(items.has(arguments[0])));"
					+ " const written = other.set(arguments[0], { title: 'not mine', completed: false });"
					+ " return written.then(() => 'written', (error) => JSON.stringify({ name: error.name,"
					+ " status: error.status, after: other.items.has(arguments[0]), seen }));", id);
			JsonNode refusal = json(outcome);
			assertThat(refusal.path("name").asString()).isEqualTo("EvWriteError");
			assertThat(refusal.path("status").asInt()).isEqualTo(403);
			assertThat(refusal.path("after").asBoolean()).as("shown after the refusal").isFalse();
			assertThat(refusal.path("seen").toString()).as("shown before, during and after the write")
				.isEqualTo("[false,true,false]");
			assertThat(this.todos.get("someone-else", id).blockOptional(Browser.TIMEOUT)).isEmpty();
		}
	}

	@Test
	void itemOverTheByteLimitShouldRollBackToTheConfirmedItem() {
		try (Page page = openPage(this.port)) {
			String id = "t-" + unique();
			this.todos.set(GROUP, id, new Todo("small", false)).block(Browser.TIMEOUT);
			page.await("the todo on the page", ITEM + " !== null", id);
			Object outcome = page.script(
					"const written = todos.update(arguments[0], [{ op: 'set', path: 'title', value: 'x'.repeat(70000) }]);"
							+ " const shown = todos.items.get(arguments[0]).title.length;"
							+ " return written.then(() => 'written', (error) => JSON.stringify({ status: error.status,"
							+ " detail: error.problem.detail, shown, after: todos.items.get(arguments[0]).title }));",
					id);
			JsonNode refusal = json(outcome);
			assertThat(refusal.path("status").asInt()).isEqualTo(422);
			assertThat(refusal.path("detail").asString()).contains("limit");
			assertThat(refusal.path("shown").asInt()).as("title length shown at once").isEqualTo(70000);
			assertThat(refusal.path("after").asString()).as("title shown after the refusal").isEqualTo("small");
			page.await("the page to show the confirmed title", TITLE + " === 'small'", id);
			assertThat(todo(id)).isEqualTo(new Todo("small", false));
		}
	}

	@Test
	void afterANetworkCutThePageShouldShowTheServersList() {
		String kept = "t-" + unique();
		String deleted = "t-" + unique();
		String created = "t-" + unique();
		this.todos.set(GROUP, kept, new Todo("kept", false)).block(Browser.TIMEOUT);
		this.todos.set(GROUP, deleted, new Todo("deleted", false)).block(Browser.TIMEOUT);
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.port); Page page = openPage(proxy.port())) {
			page.await("the todo to keep on the page", ITEM + " !== null", kept);
			page.await("the todo to delete on the page", ITEM + " !== null", deleted);
			page.script("window.connections = new Set([evstream.connectionId]);"
					+ " evstream.onStatus((status) => { if (status === 'open') connections.add(evstream.connectionId); });");
			proxy.cut();
			page.await("the client to notice the cut", "evstream.status !== 'open'");
			this.todos.update(GROUP, kept, UpdateOp.set("completed", true)).block(Browser.TIMEOUT);
			this.todos.delete(GROUP, deleted).block(Browser.TIMEOUT);
			this.todos.set(GROUP, created, new Todo("created while cut", false)).block(Browser.TIMEOUT);
			proxy.restore();
			page.awaitOpen();
			// changes arrive in the order they were made: the last one shown, all are
			page.await("the todo created while cut", ITEM + " !== null", created);
			Map<String, Todo> server = this.todos.list(GROUP).block(Browser.TIMEOUT);
			assertThat(json(page.script("return JSON.stringify(Object.fromEntries(todos.items))")))
				.isEqualTo(JsonMapper.shared().valueToTree(server));
			assertThat(page.script("return [...document.querySelectorAll('#todo-list li')].map((li) => li.dataset.id)"))
				.asInstanceOf(InstanceOfAssertFactories.LIST)
				.containsExactlyElementsOf(server.keySet());
			assertThat(page.script("return " + CHECKBOX + ".checked", kept)).isEqualTo(true);
			assertThat(page.script("return connections.size")).as("connections, one more after the cut").isEqualTo(2L);
		}
	}

	private static Page openPage(int port) {
		Page page = browser.open("http://127.0.0.1:" + port + "/");
		page.awaitOpen();
		page.awaitValue("the todo list's snapshot", "return window.todos ? todos.ready.then(() => true) : null;");
		return page;
	}

	private Todo todo(String id) {
		return this.todos.get(GROUP, id).block(Browser.TIMEOUT);
	}

	private static JsonNode json(Object text) {
		return JsonMapper.shared().readTree((String) text);
	}

	private static String unique() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
