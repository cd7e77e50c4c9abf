package dev.evstream.sample.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generates requests to every endpoint of the sample from a seeded random source: streams
 * with random channel lists, tokens in every spelling and encoding, resume ids and
 * headers; writes (the shared todo list's actions too) with random content types and
 * bodies, from random bytes to well-formed JSON with wrong values. The same seed gives
 * the same requests.
 */
final class FuzzRequests {

	// spellings of the endpoint's path, which the router takes for it
	private static final List<String> ENDPOINT_PATHS = List.of("/evstream", "/evstream", "/evstream", "/ev%73tream",
			"/%65vstream", "/evstream;jsessionid=x");

	// paths that are not the endpoint's: a token sent there is not read as one
	private static final List<String> OTHER_PATHS = List.of("/EVSTREAM", "/evstream/", "//evstream", "/evstream%00",
			"/evstream/..%2f", "/evstreams");

	// every spelling that decodes to the token parameter's name: what the server reads as
	// a token
	private static final List<String> TOKEN_NAMES = List.of("token", "token", "%74oken", "t%6Fken", "tok%65n",
			"to%6b%65n", "%74%6f%6b%65%6e");

	// names that are not the token parameter's, whose values are not tokens
	private static final List<String> OTHER_NAMES = List.of("TOKEN", "token%00", "token[]", "tok+en", "tokenx");

	private static final List<String> METHODS = List.of("GET", "GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT",
			"DELETE", "TRACE", "BREW");

	private static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.1",
			"HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "HTTP/1.2", "http/1.1");

	private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json",
			"application/json; charset=utf-8", "application/vnd.sample+json", "text/plain", "",
			"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
			"application/json; charset=latin1", "*/*", "application/problem+json");

	private final Random random;

	private final String token;

	FuzzRequests(long seed, String token) {
		this.random = new Random(seed);
		this.token = token;
	}

	FuzzRequest next() {
		return switch (this.random.nextInt(12)) {
			case 0, 1, 2, 3, 4 -> stream();
			case 5, 6 -> chat();
			case 7, 8 -> increment();
			case 9 -> action();
			case 10 -> room();
			default -> other();
		};
	}

	private FuzzRequest stream() {
		boolean endpoint = this.random.nextInt(4) != 0;
		String path = pick(endpoint ? ENDPOINT_PATHS : OTHER_PATHS);
		StringBuilder query = new StringBuilder();
		int parameters = this.random.nextInt(6);
		for (int i = 0; i < parameters; i++) {
			query.append((i == 0) ? "?" : "&");
			switch (this.random.nextInt(5)) {
				case 0, 1 -> query.append("channel=").append(channelName());
				case 2 -> query.append("channels=").append(channelName()).append(',').append(channelName());
				case 3 -> {
					if (this.random.nextBoolean()) {
						query.append(pick(TOKEN_NAMES)).append('=').append(endpoint ? tokenValue() : channelName());
					}
					else {
						query.append(pick(OTHER_NAMES)).append('=').append(channelName());
					}
				}
				default -> query.append("lastEventId=").append(encode(lastEventId()));
			}
		}
		StringBuilder headers = new StringBuilder();
		if (this.random.nextInt(3) == 0) {
			headers.append("Last-Event-ID: ").append(lastEventId()).append("\r\n");
		}
		if (this.random.nextInt(3) == 0) {
			headers.append("Authorization: ")
				.append(pick(List.of("Bearer ", "bearer ", "Basic ", "Bearer  ", "")))
				.append(tokenValue())
				.append("\r\n");
		}
		if (this.random.nextInt(4) == 0) {
			headers.append("Accept: ")
				.append(pick(List.of("text/event-stream", "application/json", "*/*", "text/html", "image/png")))
				.append("\r\n");
		}
		if (this.random.nextInt(5) == 0) {
			headers.append("Origin: https://evil.example\r\n");
		}
		return FuzzRequest.of(pick(METHODS), path + query, pick(VERSIONS), headers.toString(), new byte[0], false,
				false);
	}

	private FuzzRequest chat() {
		String body = switch (this.random.nextInt(8)) {
			case 0 -> "{\"user\":\"fuzz\",\"text\":\"" + words() + "\"}";
			case 1 -> "{\"user\":\"fuzz\",\"text\":\"a\",\"text\":\"b\"}";
			case 2 -> "{\"user\":" + jsonValue() + ",\"text\":" + jsonValue() + "}";
			case 3 -> "{\"user\":\"fuzz\",\"text\":\"" + "x".repeat(this.random.nextInt(2000)) + "\"}";
			case 4 -> "{\"user\":\"fuzz\",\"text\":\"hi\",\"extra\":1}";
			case 5 -> jsonValue();
			default -> null;
		};
		return write("/api/chat", body, true);
	}

	private FuzzRequest increment() {
		String body = switch (this.random.nextInt(8)) {
			case 0 -> "{\"by\":" + (this.random.nextInt(21) - 10) + "}";
			case 1 -> "{\"by\":1,\"by\":100}";
			case 2 -> "{\"by\":" + jsonValue() + "}";
			case 3 -> "";
			case 4 -> "{}";
			case 5 -> jsonValue();
			default -> null;
		};
		return write("/api/counter/increment", body, false);
	}

	private FuzzRequest room() {
		String body = switch (this.random.nextInt(8)) {
			case 0 -> "{\"topic\":\"" + words() + "\"}";
			case 1 -> "{\"topic\":\"a\",\"topic\":\"b\"}";
			case 2 -> "{\"topic\":" + jsonValue() + "}";
			case 3 -> "{\"topic\":\"" + "x".repeat(this.random.nextInt(200)) + "\"}";
			case 4 -> "{\"topic\":\"hi\",\"ttl\":1}";
			case 5 -> jsonValue();
			case 6 -> "";
			default -> null;
		};
		return write("/api/rooms", body, false);
	}

	private FuzzRequest action() {
		String id = pick(
				List.of("fuzz-" + this.random.nextInt(20), "", "a b", "x".repeat(65), "\u00e9t\u00e9", "%0d%0a"));
		String body = switch (this.random.nextInt(8)) {
			case 0 -> "{\"type\":\"create\",\"payload\":{\"id\":\"" + id + "\",\"text\":\""
					+ "x".repeat(this.random.nextInt(300)) + "\"}}";
			case 1 -> "{\"type\":\"" + pick(List.of("update", "toggle", "delete", "archive", ""))
					+ "\",\"payload\":{\"id\":\"" + id + "\",\"text\":\"" + words() + "\"}}";
			case 2 -> "{\"type\":" + jsonValue() + ",\"payload\":" + jsonValue() + "}";
			case 3 -> "{\"type\":\"create\",\"payload\":{\"id\":" + jsonValue() + ",\"text\":" + jsonValue()
					+ ",\"completed\":" + jsonValue() + "}}";
			case 4 -> "{\"type\":\"toggle\",\"type\":\"delete\",\"payload\":{\"id\":\"" + id + "\"}}";
			case 5 -> jsonValue();
			default -> null;
		};
		byte[] bytes = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : randomBytes();
		String contentType = pick(CONTENT_TYPES);
		String headers = (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
				+ ((this.random.nextInt(3) != 0) ? "Authorization: Bearer " + this.token + "\r\n" : "")
				+ ((this.random.nextInt(3) == 0) ? "Idempotency-Key: "
						+ pick(List.of("k-" + this.random.nextInt(5), "", "bad key", "%0d%0a", "k".repeat(65))) + "\r\n"
						: "");
		String method = (this.random.nextInt(8) == 0) ? pick(METHODS) : "POST";
		return FuzzRequest.of(method, "/evstream/actions/shared-todos", pick(VERSIONS), headers, bytes, true, false);
	}

	private FuzzRequest write(String path, @org.jspecify.annotations.Nullable String json, boolean chat) {
		byte[] body = (json != null) ? json.getBytes(StandardCharsets.UTF_8) : randomBytes();
		String contentType = pick(CONTENT_TYPES);
		String headers = (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
				+ ((this.random.nextInt(3) == 0) ? "Origin: https://evil.example\r\n" : "");
		String method = (this.random.nextInt(8) == 0) ? pick(METHODS) : "POST";
		return FuzzRequest.of(method, path, pick(VERSIONS), headers, body, true, chat);
	}

	private FuzzRequest other() {
		String target = pick(List.of("/api/counter", "/", "/actuator/health", "/actuator/evstream", "/actuator/metrics",
				"/does-not-exist", "/api/chat?token=x", "/actuator/health?token=y", "/api/rooms/s-gone",
				"/api/rooms/%0d%0a", "/api/rooms/" + "k".repeat(this.random.nextInt(300)),
				"/" + "a".repeat(this.random.nextInt(10_000))));
		String headers = (this.random.nextInt(4) == 0) ? "X-Big: " + "h".repeat(this.random.nextInt(20_000)) + "\r\n"
				: "";
		return FuzzRequest.of(pick(METHODS), target, pick(VERSIONS), headers, new byte[0], false, false);
	}

	private String channelName() {
		return switch (this.random.nextInt(10)) {
			case 0 -> "counter";
			case 1 -> "chat";
			case 8 -> "presence/chat";
			case 9 -> "presence/" + pick(List.of("counter", "", "presence/chat", "chat/", "*"));
			case 2 -> "";
			case 3 -> "a".repeat(this.random.nextInt(300));
			case 4 -> encode(new String(randomBytes(), StandardCharsets.ISO_8859_1));
			case 5 -> "room:" + this.random.nextInt(100) + "/x@y.z-_";
			case 6 -> "%0d%0aevent:%20forged";
			default -> "c" + Long.toString(this.random.nextLong() & Long.MAX_VALUE, 36);
		};
	}

	private String tokenValue() {
		return switch (this.random.nextInt(6)) {
			case 0, 1 -> this.token;
			case 2 -> encodeAll(this.token);
			case 3 -> this.token + "x";
			case 4 -> "";
			default -> encode(new String(randomBytes(), StandardCharsets.ISO_8859_1));
		};
	}

	private String lastEventId() {
		return switch (this.random.nextInt(5)) {
			case 0 -> "-";
			case 1 -> "1abc.hogg38i594";
			case 2 -> "x".repeat(this.random.nextInt(3000));
			case 3 -> "a.1_b.2_c.3_" + Long.toString(this.random.nextLong(), 36);
			default -> Long.toString(this.random.nextLong() & Long.MAX_VALUE, 36);
		};
	}

	private String jsonValue() {
		return pick(List.of("null", "true", "1", "-1", "1.5", "1e308", "99999999999999999999", "\"s\"", "[]", "{}",
				"[1,2]", "{\"a\":{\"b\":[{}]}}", "\"\\u0000\"", "\"" + "\\n".repeat(50) + "\"",
				"[".repeat(600) + "]".repeat(600)));
	}

	private String words() {
		return pick(List.of("hello", "é ü 😀", "line\\nbreak", "<script>alert(1)</script>", "data: forged"));
	}

	private byte[] randomBytes() {
		int length = (this.random.nextInt(20) == 0) ? 1_200_000 : this.random.nextInt(300);
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private static String encode(String text) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(String.format("%02X", (int) c));
			}
		}
		return encoded.toString();
	}

	private static String encodeAll(String text) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			encoded.append('%').append(String.format("%02x", b & 0xff));
		}
		return encoded.toString();
	}

	private <T> T pick(List<T> values) {
		return values.get(this.random.nextInt(values.size()));
	}

}
