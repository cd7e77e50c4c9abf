package dev.evstream.sample.browser;

import java.util.UUID;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.sample.SharedTodoTable;
import dev.evstream.sample.SharedTodos.Action;
import dev.evstream.sample.SharedTodos.Payload;
import dev.evstream.sample.SharedTodos.SharedTodo;
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
 * The sample page's shared todo list in a real Chromium, on the client's record sets: two
 * pages see each other's create, toggle, edit and delete; the page's own create shows at
 * once and is replaced by the server's record; a refused action is rolled back. Each test
 * uses todos of its own, since everybody shares the list.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SharedTodosBrowserIntegrationTests {

	/** The list element of the todo whose id is the script's first argument. */
	private static final String ITEM = "document.querySelector('#shared-todo-list li[data-id=\"' + arguments[0] + '\"]')";

	private static final String CHECKBOX = ITEM + ".querySelector('input[type=checkbox]')";

	private static final String TEXT = ITEM + ".querySelector('.todo-text')";

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	SharedTodoTable table;

	@Autowired
	EvRecordSet<SharedTodo, Action> sharedTodos;

	@Test
	void createToggleEditAndDeleteOnOnePageShouldShowOnTheOther() {
		try (Page a = openPage(this.port); Page b = openPage(this.port)) {
			String text = "bread " + unique();
			a.type("shared-todo-text", text);
			a.click("shared-todo-add");
			String id = (String) b.awaitValue("page B to show the todo added on page A",
					"return [...document.querySelectorAll('#shared-todo-list li')]"
							+ ".find((li) => li.querySelector('.todo-text').value === arguments[0])?.dataset.id;",
					text);
			assertThat(row(id).text()).isEqualTo(text);
			a.script(CHECKBOX + ".click()", id);
			b.await("page B to show the todo done", CHECKBOX + ".checked", id);
			assertThat(row(id).completed()).isTrue();
			b.script(
					TEXT + ".value = 'edited on B'; " + TEXT + ".dispatchEvent(new Event('change', { bubbles: true }))",
					id);
			a.await("page A to show the text edited on page B", TEXT + ".value === 'edited on B'", id);
			assertThat(row(id).text()).isEqualTo("edited on B");
			b.script(ITEM + ".querySelector('.todo-delete').click()", id);
			a.await("page A to drop the todo deleted on page B", ITEM + " === null", id);
			b.await("page B to drop the deleted todo", ITEM + " === null", id);
			assertThat(row(id).deletedAt()).isNotNull();
			assertThat(a.text("error")).isEmpty();
			assertThat(b.text("error")).isEmpty();
		}
	}

	@Test
	void createShouldShowAtOnceAndBeReplacedByTheServersRecord() {
		try (Page page = openPage(this.port)) {
			String id = unique();
			// the script runs to its end before the page reads the server's answer
			JsonNode atOnce = json(page.script(
					"window.sent = sharedTodos.send({ type: 'create', payload: { id: arguments[0], text: 'at once' } });"
							+ " const todo = sharedTodos.records.find((record) => record.id === arguments[0]);"
							+ " return JSON.stringify({ todo, shown: " + TEXT + "?.value });",
					id));
			assertThat(atOnce.path("shown").asString()).as("the todo on the page before the server answered")
				.isEqualTo("at once");
			assertThat(atOnce.path("todo").path("updatedAt").asLong()).as("the page's own version").isZero();
			JsonNode entries = json(page.script("return sent.then((entries) => JSON.stringify(entries))"));
			SharedTodo row = row(id);
			assertThat(entries.get(0).path("version").asLong()).isEqualTo(row.updatedAt());
			JsonNode shown = json(page
				.script("return JSON.stringify(sharedTodos.records.find((record) => record.id === arguments[0]))", id));
			assertThat(shown).as("the server's record, its createdAt and version")
				.isEqualTo(JsonMapper.shared().valueToTree(row));
			assertThat(
					page.script("return sharedTodos.records.filter((record) => record.id === arguments[0]).length", id))
				.isEqualTo(1L);
		}
	}

	@Test
	void refusedActionShouldRollBack() {
		String id = unique();
		this.sharedTodos.act(new Action("create", new Payload(id, "short", false)), EvPrincipal.anonymous())
			.block(Browser.TIMEOUT);
		SharedTodo before = row(id);
		try (Page page = openPage(this.port)) {
			page.await("the todo on the page", ITEM + " !== null", id);
			JsonNode refusal = json(page.script("const seen = [];"
					+ " const off = sharedTodos.subscribe((records) => seen.push(records.find((r) => r.id === arguments[0]).text.length));"
					+ " const sent = sharedTodos.send({ type: 'update', payload: { id: arguments[0], text: 'x'.repeat(201) } });"
					+ " return sent.then(() => 'applied', (error) => { off(); return JSON.stringify({ name: error.name,"
					+ " status: error.status, detail: error.problem.detail, seen,"
					+ " after: sharedTodos.records.find((r) => r.id === arguments[0]).text }); });", id));
			assertThat(refusal.path("name").asString()).isEqualTo("EvWriteError");
			assertThat(refusal.path("status").asInt()).isEqualTo(422);
			assertThat(refusal.path("detail").asString())
				.isEqualTo("'text' must be at most 200 characters, but has 201");
			assertThat(refusal.path("seen").toString()).as("text lengths shown before, during and after the action")
				.isEqualTo("[5,201,5]");
			assertThat(refusal.path("after").asString()).isEqualTo("short");
			page.await("the page to show the text as it was", TEXT + ".value === 'short'", id);
			assertThat(row(id)).isEqualTo(before);
		}
	}

	private static Page openPage(int port) {
		Page page = browser.open("http://127.0.0.1:" + port + "/");
		page.awaitOpen();
		page.awaitValue("the shared todo list's snapshot",
				"return window.sharedTodos ? sharedTodos.ready.then(() => true) : null;");
		return page;
	}

	private SharedTodo row(String id) {
		return this.table.find(id).block(Browser.TIMEOUT);
	}

	private static JsonNode json(Object text) {
		return JsonMapper.shared().readTree((String) text);
	}

	private static String unique() {
		return "t-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
