package dev.evstream.sample.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request the fuzzer sends, as raw bytes, and what it is for the checks.
 *
 * @param description what was sent, for failure messages
 * @param bytes the request as it goes on the wire
 * @param write whether it targets an endpoint that changes state
 * @param chat whether it posts to the chat
 * @param supportedVersion whether it is HTTP/1.0 or HTTP/1.1, the versions the server
 * speaks; to others it may answer {@code 505}, the one {@code 5xx} that is not a failure
 */
record FuzzRequest(String description, byte[] bytes, boolean write, boolean chat, boolean supportedVersion) {

	static FuzzRequest of(String method, String target, String version, String headers, byte[] body, boolean write,
			boolean chat) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		String head = method + " " + target + " " + version + "\r\nHost: localhost\r\nConnection: close\r\n" + headers
				+ ((body.length > 0 || write) ? "Content-Length: " + body.length + "\r\n" : "") + "\r\n";
		out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
		out.writeBytes(body);
		String shownBody = (body.length > 200) ? body.length + " bytes" : new String(body, StandardCharsets.ISO_8859_1);
		return new FuzzRequest(head.replace("\r\n", " | ") + shownBody, out.toByteArray(), write,
				chat && method.equals("POST"), version.equals("HTTP/1.0") || version.equals("HTTP/1.1"));
	}

}
