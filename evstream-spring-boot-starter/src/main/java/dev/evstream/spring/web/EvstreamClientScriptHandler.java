package dev.evstream.spring.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the browser client, {@code GET {evstream.path}/client.js}: the ES module of
 * {@code evstream-client}, the version that matches this server. Cacheable: browsers keep
 * it and revalidate it with its {@code ETag} on each use (a {@code 304} without a body),
 * so a page never runs a client older than the server it talks to.
 *
 * @since 0.1.0
 */
public final class EvstreamClientScriptHandler {

	/**
	 * Where the module is on the class path.
	 */
	static final String LOCATION = "/META-INF/evstream/client.js";

	private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

	private final byte[] script;

	private final String etag;

	EvstreamClientScriptHandler() {
		this.script = load();
		this.etag = "\"" + digest(this.script) + "\"";
	}

	/**
	 * Handles {@code GET {evstream.path}/client.js}.
	 * @param request the request
	 * @return the module, or {@code 304} when the client holds this version
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		List<String> ifNoneMatch = request.headers().header(HttpHeaders.IF_NONE_MATCH);
		boolean current = ifNoneMatch.stream()
			.flatMap((value) -> List.of(value.split(",")).stream())
			.map(String::trim)
			.anyMatch((tag) -> tag.equals(this.etag) || tag.equals("W/" + this.etag) || tag.equals("*"));
		ServerResponse.BodyBuilder response = ServerResponse.status(current ? HttpStatus.NOT_MODIFIED : HttpStatus.OK)
			.eTag(this.etag)
			.cacheControl(CacheControl.noCache().cachePublic());
		return current ? response.build() : response.contentType(JAVASCRIPT).bodyValue(this.script);
	}

	/**
	 * Handles any other method: {@code 405} with {@code Allow: GET}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.GET, "load the client with GET");
	}

	private static byte[] load() {
		try (InputStream in = EvstreamClientScriptHandler.class.getResourceAsStream(LOCATION)) {
			if (in == null) {
				throw new IllegalStateException("The browser client is missing from the class path at " + LOCATION);
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the browser client at " + LOCATION, ex);
		}
	}

	private static String digest(byte[] bytes) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
