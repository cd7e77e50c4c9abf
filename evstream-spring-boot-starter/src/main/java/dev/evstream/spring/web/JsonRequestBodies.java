package dev.evstream.spring.web;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads the JSON body of a write to the endpoint with the application's mapper (which
 * refuses repeated keys), refusing a missing or unparsable body with a {@code 400}
 * {@link Refusal}. The body is bounded by the codecs' limit.
 */
final class JsonRequestBodies {

	private JsonRequestBodies() {
	}

	/**
	 * Reads the body as a JSON tree.
	 * @param request the request
	 * @param jsonMapper the application's mapper
	 * @param missing the detail when there is no body
	 * @param expected what the body should be, for the detail when it does not parse
	 * @return the tree
	 */
	static Mono<JsonNode> read(ServerRequest request, ObjectMapper jsonMapper, String missing, String expected) {
		return request.bodyToMono(String.class)
			.switchIfEmpty(Mono.error(() -> new Refusal(HttpStatus.BAD_REQUEST, missing)))
			.map((body) -> {
				try {
					return jsonMapper.readTree(body);
				}
				catch (JacksonException ex) {
					throw new Refusal(HttpStatus.BAD_REQUEST,
							"The body is not " + expected + ": " + ex.getOriginalMessage());
				}
			});
	}

}
