package dev.evstream.spring.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.evstream.core.EvStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.BodyInserter;

/**
 * Writes an {@link EvStream} as a Server-Sent Events response, for applications that
 * serve streams from their own handlers (the way evstream's
 * {@code manager.createStream(req, res)} is used in an Express handler).
 * <p>
 * The bytes of each event are encoded once and shared by every connection that receives
 * it; each batch the stream hands over is copied into one buffer of the server's
 * allocator, written, and flushed once. On Reactor Netty the stream is drained on the
 * connection's event loop, one task per loop and pass for all its connections, and once
 * the response head is sent its batches go straight to the Netty channel (see
 * {@link ReactorNettyStreamWriter}).
 *
 * @since 0.1.0
 */
public final class EvstreamResponses {

	private static final byte[] OPENING_COMMENT = ":ok\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final boolean REACTOR_NETTY = ClassUtils.isPresent("reactor.netty.Connection",
			EvstreamResponses.class.getClassLoader());

	private EvstreamResponses() {
	}

	/**
	 * Writes a stream to a response: status {@code 200}, {@code text/event-stream},
	 * {@code Cache-Control: no-cache}, {@code X-Accel-Buffering: no}, then the stream's
	 * events as they come. An SSE comment opens the body so that the client sees the
	 * response at once, before the first event.
	 * @param stream the stream, typically from {@code EvStreamManager.createStream()}
	 * @param response the response of the exchange
	 * @return completion of the response: when the stream is closed, or the client goes
	 * away
	 */
	public static Mono<Void> write(EvStream stream, ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.OK);
		applyHeaders(response.getHeaders());
		return writeBody(stream, response, true);
	}

	/**
	 * Returns a body inserter for functional endpoints:
	 * {@code ServerResponse.ok().headers(EvstreamResponses::applyHeaders).body(EvstreamResponses.body(stream))}.
	 * @param stream the stream
	 * @return the inserter
	 */
	public static BodyInserter<Void, ReactiveHttpOutputMessage> body(EvStream stream) {
		return (message, context) -> writeBody(stream, message, false);
	}

	/**
	 * Sets the headers of an SSE response.
	 * @param headers the response headers
	 */
	public static void applyHeaders(HttpHeaders headers) {
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl("no-cache");
		headers.set("X-Accel-Buffering", "no");
	}

	private static Mono<Void> writeBody(EvStream stream, ReactiveHttpOutputMessage message, boolean opening) {
		Object nativeResponse = REACTOR_NETTY ? nativeResponse(message) : null;
		Mono<Void> written;
		if (nativeResponse != null && ReactorNettyStreamWriter.supports(nativeResponse)) {
			written = ReactorNettyStreamWriter.write(stream, message, nativeResponse, opening ? OPENING_COMMENT : null);
		}
		else {
			DataBufferFactory buffers = message.bufferFactory();
			Flux<List<byte[]>> batches = stream.output();
			if (opening) {
				batches = batches.startWith(List.of(OPENING_COMMENT));
			}
			written = message.writeAndFlushWith(batches.map((batch) -> Mono.fromSupplier(() -> join(buffers, batch))));
		}
		return written.doOnCancel(stream::close).doOnError((ex) -> stream.close());
	}

	static int size(List<byte[]> batch) {
		int size = 0;
		for (byte[] chunk : batch) {
			size += chunk.length;
		}
		return size;
	}

	private static @Nullable Object nativeResponse(ReactiveHttpOutputMessage message) {
		return (message instanceof ServerHttpResponse response)
				? ServerHttpResponseDecorator.getNativeResponse(response) : null;
	}

	/**
	 * Copies a batch into one buffer of the server's allocator (pooled and direct on
	 * Netty): one write per batch, with no further copy on the way to the socket.
	 */
	static DataBuffer join(DataBufferFactory buffers, List<byte[]> batch) {
		DataBuffer buffer = buffers.allocateBuffer(size(batch));
		for (byte[] chunk : batch) {
			buffer.write(chunk);
		}
		return buffer;
	}

}
