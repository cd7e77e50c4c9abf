package dev.evstream.spring.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP client on a raw socket, for requests no ordinary client sends: other protocol
 * versions, oversized heads, exact bytes. Reads what the server sends, as it sends it.
 */
final class RawHttp implements AutoCloseable {

	private final Socket socket;

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	private RawHttp(Socket socket) {
		this.socket = socket;
	}

	/**
	 * Connects and sends a request as is.
	 * @param port the server port on localhost
	 * @param request the request head (and body, if any), with its CRLFs
	 * @return the client
	 */
	static RawHttp send(int port, String request) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
		return new RawHttp(socket);
	}

	/**
	 * Sends more bytes on the connection.
	 * @param more what to send
	 */
	void write(byte[] more) throws IOException {
		this.socket.getOutputStream().write(more);
		this.socket.getOutputStream().flush();
	}

	/**
	 * Reads until the head of the response is in.
	 * @return the status line and headers
	 */
	Head head() throws IOException {
		int end;
		while ((end = text().indexOf("\r\n\r\n")) == -1) {
			if (!readSome()) {
				throw new IOException("Connection closed before the end of the response head: " + text());
			}
		}
		String[] lines = text().substring(0, end).split("\r\n");
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
					lines[i].substring(colon + 1).trim());
		}
		return new Head(lines[0], headers);
	}

	/**
	 * Reads until the body, what follows the head, contains a text.
	 * @param text the text to wait for
	 * @return the body so far
	 */
	String awaitBody(String text) throws IOException {
		while (!body().contains(text)) {
			if (!readSome()) {
				throw new IOException("Connection closed before '" + text + "' was received: " + text());
			}
		}
		return body();
	}

	/**
	 * Reads until the body, what follows the head, has a length.
	 * @param length the body's length, in bytes
	 * @return the body
	 */
	String awaitBody(int length) throws IOException {
		while (body().length() < length) {
			if (!readSome()) {
				throw new IOException("Connection closed before " + length + " bytes of body: " + text());
			}
		}
		return body();
	}

	/**
	 * Reads until the connection ends, and tells how it ended.
	 * @return whether the server closed it or reset it
	 */
	End awaitEnd() throws IOException {
		byte[] buffer = new byte[8192];
		InputStream in = this.socket.getInputStream();
		try {
			while (in.read(buffer) != -1) {
				// until the end
			}
			return End.CLOSED;
		}
		catch (SocketException ex) {
			return End.RESET;
		}
	}

	/**
	 * Reads until the server closes the connection.
	 * @return the body, what follows the head
	 */
	String awaitClose() throws IOException {
		while (readSome()) {
			// until the end
		}
		return body();
	}

	String text() {
		return this.received.toString(StandardCharsets.ISO_8859_1);
	}

	private String body() {
		String text = text();
		int end = text.indexOf("\r\n\r\n");
		return (end != -1) ? text.substring(end + 4) : "";
	}

	private boolean readSome() throws IOException {
		byte[] buffer = new byte[8192];
		InputStream in = this.socket.getInputStream();
		int read;
		try {
			read = in.read(buffer);
		}
		catch (SocketException ex) {
			// reset by the server
			return false;
		}
		if (read == -1) {
			return false;
		}
		this.received.write(buffer, 0, read);
		return true;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * How a connection ended.
	 */
	enum End {

		/**
		 * The server closed it, after everything it sent was read.
		 */
		CLOSED,

		/**
		 * The server reset it.
		 */
		RESET

	}

	/**
	 * The head of a response; header names in lower case.
	 */
	record Head(String statusLine, Map<String, String> headers) {

		int status() {
			return Integer.parseInt(this.statusLine.split(" ")[1]);
		}

		@Nullable String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

}
