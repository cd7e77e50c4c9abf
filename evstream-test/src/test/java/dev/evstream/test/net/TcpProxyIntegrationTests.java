package dev.evstream.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The test proxy over real sockets, in front of an echo server.
 */
class TcpProxyIntegrationTests {

	private ServerSocket echo;

	private TcpProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.echo = new ServerSocket(0);
		Thread acceptor = new Thread(this::echo, "echo-server");
		acceptor.setDaemon(true);
		acceptor.start();
		this.proxy = TcpProxy.start("127.0.0.1", this.echo.getLocalPort());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void forwardShouldCarryBytesBothWays() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "ping")).isEqualTo("ping");
			assertThat(this.proxy.links()).isEqualTo(1);
		}
	}

	@Test
	void stallShouldHoldBytesWithSocketsOpenUntilRestore() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "one")).isEqualTo("one");
			this.proxy.stall();
			send(socket, "two");
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> read(socket, 3));
			assertThat(socket.isClosed()).isFalse();
			this.proxy.restore();
			socket.setSoTimeout(10_000);
			assertThat(read(socket, 3)).isEqualTo("two");
		}
	}

	@Test
	void cutShouldCloseLinksAndRefuseNewOnesUntilRestore() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "one")).isEqualTo("one");
			this.proxy.cut();
			socket.setSoTimeout(10_000);
			assertThat(endOfStream(socket)).isTrue();
		}
		try (Socket refused = connect()) {
			refused.setSoTimeout(10_000);
			assertThat(endOfStream(refused)).isTrue();
		}
		this.proxy.restore();
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "back")).isEqualTo("back");
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(this.proxy.host(), this.proxy.port());
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		send(socket, text);
		return read(socket, text.length());
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String read(Socket socket, int length) throws IOException {
		byte[] bytes = socket.getInputStream().readNBytes(length);
		return new String(bytes, StandardCharsets.US_ASCII);
	}

	private static boolean endOfStream(Socket socket) {
		try {
			return socket.getInputStream().read() < 0;
		}
		catch (IOException ex) {
			// a reset is an end too
			return true;
		}
	}

	private void echo() {
		while (!this.echo.isClosed()) {
			try {
				Socket socket = this.echo.accept();
				Thread pump = new Thread(() -> {
					try (socket;
							InputStream in = socket.getInputStream();
							OutputStream out = socket.getOutputStream()) {
						in.transferTo(out);
					}
					catch (IOException ex) {
						// the test closed it
					}
				}, "echo");
				pump.setDaemon(true);
				pump.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

}
