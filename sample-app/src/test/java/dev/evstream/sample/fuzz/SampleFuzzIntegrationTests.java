package dev.evstream.sample.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.sample.SampleApplication;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Random requests to every endpoint of the sample, from a printed seed (replay one with
 * {@code -Dfuzz.seed=…}; {@code -Dfuzz.iterations=…} runs more): the server never answers
 * {@code 5xx} (but {@code 505} to an HTTP version it does not speak) nor hangs, a token
 * sent where the endpoint reads one never appears in a response nor in a log line at any
 * level (Reactor Netty's access log on), and a refused write changes nothing.
 */
class SampleFuzzIntegrationTests {

	private static final long SEED = Long.getLong("fuzz.seed", new SecureRandom().nextLong());

	private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 400);

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final String TOKEN = "fuzzsecret" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));

	@Test
	void randomRequestsShouldNeverFailTheServerLeakATokenOrChangeStateWhenRefused() throws Exception {
		System.out.println("Fuzz seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
		String accessLog = "reactor.netty.http.server.accessLogEnabled";
		String previous = System.setProperty(accessLog, "true");
		LogCapture logs = new LogCapture();
		int acceptedChats = 0;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"sample.tokens=" + TOKEN, "logging.level.root=DEBUG", "logging.pattern.console=",
					"logging.level.reactor.netty.http.server.AccessLog=INFO")
			.run()) {
			logs.start();
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			EvState<Integer> counter = context.getBean(EvStateManager.class).getState("counter", Integer.class);
			try (SseTestClient chat = SseTestClient.get(port, "/evstream?channel=chat&token=" + TOKEN)) {
				chat.awaitEvent("connected", TIMEOUT);
				FuzzRequests requests = new FuzzRequests(SEED, TOKEN);
				for (int i = 0; i < ITERATIONS; i++) {
					FuzzRequest request = requests.next();
					int before = counter.get();
					Response response = send(port, request, i);
					String what = "request " + i + " of seed " + SEED + ": " + request.description() + " -> "
							+ response.statusLine();
					if (request.supportedVersion() || response.status() != 505) {
						assertThat(response.status()).as(what).isLessThan(500);
					}
					assertThat(containsToken(response.text())).as("token in the response to " + what).isFalse();
					boolean accepted = response.status() >= 200 && response.status() < 300;
					if (request.write() && !accepted) {
						assertThat(counter.get()).as("counter after refused " + what).isEqualTo(before);
					}
					if (request.chat() && accepted) {
						acceptedChats++;
					}
				}
				int expected = acceptedChats;
				await().atMost(TIMEOUT)
					.untilAsserted(
							() -> assertThat(chat.events("chat")).as("chat messages, seed " + SEED).hasSize(expected));
			}
		}
		finally {
			logs.stop();
			if (previous == null) {
				System.clearProperty(accessLog);
			}
			else {
				System.setProperty(accessLog, previous);
			}
		}
		List<String> leaks = logs.lines().stream().filter(SampleFuzzIntegrationTests::containsToken).toList();
		assertThat(leaks).as("log lines with a token, seed " + SEED).isEmpty();
		assertThat(logs.lines()).as("captured log lines").isNotEmpty();
	}

	private static boolean containsToken(String text) {
		if (text.contains(TOKEN)) {
			return true;
		}
		try {
			return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8).contains(TOKEN);
		}
		catch (IllegalArgumentException ex) {
			// not decodable as a whole: decode each %xx that can be
			return decodeLoosely(text).contains(TOKEN);
		}
	}

	private static String decodeLoosely(String text) {
		StringBuilder decoded = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%' && i + 2 < text.length()) {
				try {
					decoded.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
					i += 2;
					continue;
				}
				catch (NumberFormatException ex) {
					// not an escape
				}
			}
			decoded.append(c);
		}
		return decoded.toString();
	}

	/**
	 * Sends a request on its own connection and reads the answer: all of it, or, for a
	 * stream, its head and first events.
	 */
	private static Response send(int port, FuzzRequest request, int index) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			try {
				socket.getOutputStream().write(request.bytes());
				socket.getOutputStream().flush();
			}
			catch (IOException ex) {
				// the server may answer and close before it has read a large body
			}
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			try {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					received.write(buffer, 0, read);
					String text = received.toString(StandardCharsets.ISO_8859_1);
					if (text.contains("text/event-stream") && text.contains("event: connected")) {
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				fail("No complete answer within " + TIMEOUT + " to request " + index + " of seed " + SEED + ": "
						+ request.description() + "; received: " + received.toString(StandardCharsets.ISO_8859_1));
			}
			catch (IOException ex) {
				// reset by the server after answering, or without answering
			}
			return new Response(received.toString(StandardCharsets.ISO_8859_1));
		}
	}

	/**
	 * What came back; status 0 when the server closed the connection without an answer.
	 */
	private record Response(String text) {

		String statusLine() {
			int end = this.text.indexOf("\r\n");
			return (end < 0) ? "(closed without an answer)" : this.text.substring(0, end);
		}

		int status() {
			String line = statusLine();
			String[] parts = line.split(" ");
			if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
				return 0;
			}
			return Integer.parseInt(parts[1]);
		}

	}

	/**
	 * Every log line of every logger, formatted with its arguments and stack trace.
	 */
	private static final class LogCapture extends AppenderBase<ILoggingEvent> {

		private final List<String> lines = new ArrayList<>();

		@Override
		public void start() {
			LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
			setContext(context);
			super.start();
			context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
		}

		@Override
		public void stop() {
			((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
			super.stop();
		}

		@Override
		protected synchronized void append(ILoggingEvent event) {
			StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
				.append(event.getFormattedMessage());
			if (event.getThrowableProxy() != null) {
				line.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
			}
			this.lines.add(line.toString());
		}

		synchronized List<String> lines() {
			return List.copyOf(this.lines);
		}

	}

}
