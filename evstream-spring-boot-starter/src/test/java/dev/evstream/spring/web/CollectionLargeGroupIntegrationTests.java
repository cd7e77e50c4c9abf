package dev.evstream.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollections;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full group (10,000 items, the default limit) is read over HTTP, its items read,
 * sorted and written as JSON off the event loop that took the request.
 */
@SpringBootTest(classes = { TestApplication.class, CollectionLargeGroupIntegrationTests.Threads.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class CollectionLargeGroupIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final int ITEMS = 10_000;

	@LocalServerPort
	int port;

	@Autowired
	EvCollections collections;

	@Autowired
	ListThreads threads;

	@Test
	void fullGroupShouldBeListedOffTheEventLoop() {
		EvCollection<Item> items = this.collections.collection("big", Item.class);
		Flux.range(0, ITEMS)
			.concatMap((i) -> items.set("all", String.format("item-%05d", ITEMS - 1 - i), new Item(i, "x".repeat(20))))
			.blockLast(TIMEOUT);
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(TIMEOUT)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
		this.threads.names.clear();
		JsonNode list = http.get()
			.uri("/evstream/collections/big/all")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(list.size()).isEqualTo(ITEMS);
		List<String> ids = list.values().stream().map((item) -> item.get("id").stringValue()).toList();
		assertThat(ids).isSorted().first().isEqualTo("item-00000");
		assertThat(list.get(0).get("data").get("n").intValue()).isEqualTo(ITEMS - 1);
		assertThat(this.threads.names).isNotEmpty()
			.allSatisfy((thread) -> assertThat(thread).doesNotStartWith("reactor-http"));
	}

	record Item(int n, String text) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Threads {

		@Bean
		ListThreads listThreads() {
			return new ListThreads();
		}

	}

	/**
	 * Records the threads on which the body of a collection's list is handed to the
	 * server: those that ran the handler once the list was built.
	 */
	static class ListThreads implements WebFilter {

		final Set<String> names = ConcurrentHashMap.newKeySet();

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			if (!exchange.getRequest().getPath().value().startsWith("/evstream/collections/")) {
				return chain.filter(exchange);
			}
			ServerHttpResponseDecorator response = new ServerHttpResponseDecorator(exchange.getResponse()) {

				@Override
				public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
					return super.writeWith(Flux.from(body)
						.doOnNext((buffer) -> ListThreads.this.names.add(Thread.currentThread().getName())));
				}

			};
			return chain.filter(exchange.mutate().response(response).build());
		}

	}

}
