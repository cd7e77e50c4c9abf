package dev.evstream.spring.web;

import java.util.List;
import java.util.Objects;

import dev.evstream.core.EvSlowConsumerException;
import dev.evstream.core.EvStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpServerCodec;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.ReactiveHttpOutputMessage;

/**
 * Writes a stream on Reactor Netty: the first events go through WebFlux, which sends the
 * response head with them; every later batch is written straight to the connection's
 * Netty channel as one chunk, with one flush per batch and no completion listener, on the
 * channel's own event loop. The reactive write path costs several times the socket write
 * itself per event, and a stream lasts for hours: only its start and its end need it. The
 * response still ends through WebFlux, which writes the last chunk after the stream
 * completes. On a Reactor Netty route ({@link #startRoute}) the head is sent first and
 * every batch goes straight to the channel; Reactor Netty ends that response.
 * <p>
 * On HTTP/1.1 with chunked transfer and no content encoding (the usual case), a batch is
 * written below the HTTP codec as a chunk framed by {@link ReadyChunks}, which the
 * connections of an event loop share when they are sent the same event. Anything else
 * (HTTP/2, a compressed response) goes through the codec as an {@code HttpContent}.
 * <p>
 * The client's pace is respected: a batch is asked for only while the channel is
 * writable, so a client that stops reading fills its stream's bounded queue, and the
 * stream's overflow policy closes it.
 */
final class ReactorNettyStreamWriter implements CoreSubscriber<List<byte[]>>, Disposable, ChannelFutureListener {

	private static final String WATCHER = "evstream.writability";

	private final EvStream stream;

	private final HttpServerResponse response;

	private final Channel channel;

	private final @Nullable DataBufferFactory buffers;

	// everything below is touched on the channel's event loop only

	// WebFlux's body, which takes the first events with the response head
	private @Nullable FluxSink<DataBuffer> sink;

	// a route's response, whose head is sent before the first event
	private @Nullable MonoSink<Void> end;

	private @Nullable Subscription upstream;

	private boolean direct;

	// where ready chunks are written, below the HTTP codec; null when they cannot be
	private @Nullable ChannelHandlerContext chunkWriter;

	private boolean requested;

	private boolean cancelled;

	private boolean awaitingWritability;

	private @Nullable WritabilityWatcher watcher;

	private byte @Nullable [] opening;

	private ReactorNettyStreamWriter(EvStream stream, HttpServerResponse response, Channel channel,
			@Nullable DataBufferFactory buffers, byte @Nullable [] opening) {
		this.stream = stream;
		this.response = response;
		this.channel = channel;
		this.buffers = buffers;
		this.opening = opening;
	}

	/**
	 * Returns whether a response is Reactor Netty's, which this writer writes to.
	 * @param nativeResponse the server's own response
	 * @return whether {@link #write} can write to it
	 */
	static boolean supports(Object nativeResponse) {
		return nativeResponse instanceof HttpServerResponse && nativeResponse instanceof Connection;
	}

	/**
	 * Writes a stream to a Reactor Netty response, which {@link #supports} it.
	 * @param stream the stream
	 * @param message the response
	 * @param nativeResponse the server's own response under it
	 * @param opening bytes to send before the stream's first events, or {@code null}
	 */
	static Mono<Void> write(EvStream stream, ReactiveHttpOutputMessage message, Object nativeResponse,
			byte @Nullable [] opening) {
		HttpServerResponse response = (HttpServerResponse) nativeResponse;
		Channel channel = ((Connection) nativeResponse).channel();
		ReactorNettyStreamWriter writer = new ReactorNettyStreamWriter(stream, response, channel,
				message.bufferFactory(), opening);
		Flux<DataBuffer> head = Flux.create(writer::start);
		return message.writeWith(head);
	}

	/**
	 * Writes a stream to the response of a Reactor Netty route: its head (status and
	 * headers already set) is sent first, then every batch goes straight to the channel.
	 * Nothing of what sends the head stays referenced once it is sent, and the headers of
	 * the request and of the response are let go then (a browser's cookies may weigh
	 * kilobytes, and a stream stays open for hours): an idle stream keeps this writer and
	 * the route's sink.
	 * @param stream the stream
	 * @param request the route's request, whose headers are no longer read
	 * @param response the route's response
	 * @param end told when the body is complete, after which Reactor Netty ends it
	 * @return what stops the writing and closes the stream, for when the response is
	 * cancelled
	 */
	static Disposable startRoute(EvStream stream, HttpServerRequest request, HttpServerResponse response,
			MonoSink<Void> end) {
		Channel channel = ((Connection) response).channel();
		ReactorNettyStreamWriter writer = new ReactorNettyStreamWriter(stream, response, channel, null, null);
		writer.end = end;
		// the stream's output is subscribed to whatever happens, cancelled at once if the
		// head could not be sent: a cancelled output releases its stream
		response.sendHeaders().then().subscribe(null, (ex) -> writer.onEventLoop(() -> {
			writer.cancelled = true;
			writer.subscribeToStream();
			end.error(ex);
		}), () -> writer.onEventLoop(() -> {
			writer.goDirect();
			// nothing reads the headers of an open stream's exchange again
			request.requestHeaders().clear();
			response.responseHeaders().clear();
			writer.subscribeToStream();
		}));
		return writer;
	}

	private void start(FluxSink<DataBuffer> sink) {
		this.sink = sink;
		sink.onRequest((n) -> onEventLoop(this::requestIfNeeded));
		sink.onCancel(() -> onEventLoop(this::cancel));
		subscribeToStream();
	}

	private void subscribeToStream() {
		// a closed connection releases its stream even if no write ever fails on it; a
		// route's response is cancelled by Reactor Netty when its connection closes,
		// which disposes this writer, so only WebFlux's needs the listener
		if (this.end == null) {
			this.channel.closeFuture().addListener(this);
		}
		// drained on the connection's event loop, with the other connections of the loop
		this.stream.output(this.channel.eventLoop()).subscribe(this);
	}

	private void goDirect() {
		this.direct = true;
		this.chunkWriter = chunkWriter(this.channel, this.response);
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		onEventLoop(() -> {
			// a connection that closed before the stream was subscribed to cancelled it
			// already
			if (this.cancelled) {
				subscription.cancel();
				return;
			}
			this.upstream = subscription;
			requestIfNeeded();
		});
	}

	@Override
	public void onNext(List<byte[]> batch) {
		this.requested = false;
		// once the head is out and nothing waits in WebFlux's queue (it stops only when
		// the channel is full), later writes cannot overtake earlier ones
		if (!this.direct && this.response.hasSentHeaders() && this.channel.isWritable()) {
			goDirect();
		}
		if (this.direct) {
			writeDirect(batch);
		}
		else {
			sink().next(join(batch));
		}
		requestIfNeeded();
	}

	@Override
	public void onError(Throwable error) {
		this.channel.closeFuture().removeListener(this);
		stopWatching();
		if (this.end != null) {
			this.end.error(error);
		}
		else {
			sink().error(error);
		}
		if (error instanceof EvSlowConsumerException) {
			// aborted: the server would otherwise hold the socket, and what it buffered,
			// until the client read everything before its last packet
			this.channel.close();
		}
	}

	@Override
	public void onComplete() {
		this.channel.closeFuture().removeListener(this);
		stopWatching();
		if (this.end != null) {
			this.end.success();
		}
		else {
			sink().complete();
		}
	}

	/**
	 * Asks for one more batch when none is asked for and the way is free: WebFlux's
	 * demand before the head is sent, the channel's writability after.
	 */
	private void requestIfNeeded() {
		Subscription upstream = this.upstream;
		if (upstream == null || this.requested) {
			return;
		}
		if (this.direct) {
			if (!this.channel.isWritable()) {
				watchWritability();
				return;
			}
		}
		else {
			FluxSink<DataBuffer> sink = sink();
			if (sink.requestedFromDownstream() == 0) {
				return;
			}
			byte[] opening = this.opening;
			if (opening != null) {
				this.opening = null;
				sink.next(join(List.of(opening)));
				if (sink.requestedFromDownstream() == 0) {
					return;
				}
			}
		}
		this.requested = true;
		upstream.request(1);
	}

	private void writeDirect(List<byte[]> batch) {
		if (!this.channel.isActive()) {
			return;
		}
		ChannelHandlerContext chunkWriter = this.chunkWriter;
		if (chunkWriter != null) {
			chunkWriter.write(ReadyChunks.chunk(batch, this.channel.alloc()), chunkWriter.voidPromise());
			chunkWriter.flush();
			return;
		}
		ByteBuf buffer = this.channel.alloc().ioBuffer(EvstreamResponses.size(batch));
		for (byte[] chunk : batch) {
			buffer.writeBytes(chunk);
		}
		this.channel.write(new DefaultHttpContent(buffer), this.channel.voidPromise());
		this.channel.flush();
	}

	/**
	 * Returns the context of the HTTP/1.1 codec, whose writes go below it, if a framed
	 * chunk may be written there: the body is chunked and not encoded (a compressor above
	 * the codec would otherwise be skipped). The codec stays in the chunked-content
	 * state, so the last chunk WebFlux writes at the end still closes the body properly.
	 */
	private static @Nullable ChannelHandlerContext chunkWriter(Channel channel, HttpServerResponse response) {
		ChannelHandlerContext codec = channel.pipeline().context(NettyPipeline.HttpCodec);
		if (codec == null || !(codec.handler() instanceof HttpServerCodec)) {
			return null;
		}
		HttpHeaders headers = response.responseHeaders();
		boolean chunked = headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
		return (chunked && !headers.contains(HttpHeaderNames.CONTENT_ENCODING)) ? codec : null;
	}

	private DataBuffer join(List<byte[]> batch) {
		return EvstreamResponses.join(Objects.requireNonNull(this.buffers), batch);
	}

	/**
	 * Returns WebFlux's body sink, the way of the first events unless the writer started
	 * direct.
	 */
	private FluxSink<DataBuffer> sink() {
		return Objects.requireNonNull(this.sink, "Started without WebFlux's body");
	}

	private void watchWritability() {
		this.awaitingWritability = true;
		if (this.watcher == null && this.channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
			this.watcher = new WritabilityWatcher();
			this.channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, WATCHER, this.watcher);
		}
	}

	private void stopWatching() {
		WritabilityWatcher watcher = this.watcher;
		this.watcher = null;
		if (watcher != null && this.channel.pipeline().context(watcher) != null) {
			this.channel.pipeline().remove(watcher);
		}
	}

	/**
	 * Cancels the stream when its connection is closed.
	 */
	@Override
	public void operationComplete(ChannelFuture closed) {
		onEventLoop(this::cancel);
	}

	@Override
	public void dispose() {
		onEventLoop(() -> {
			// cancelled first, so that a subscribed stream is released at once rather
			// than closed and then watched until its end is written
			cancel();
			this.stream.close();
		});
	}

	private void cancel() {
		this.cancelled = true;
		stopWatching();
		Subscription upstream = this.upstream;
		if (upstream != null) {
			upstream.cancel();
		}
	}

	private void onEventLoop(Runnable task) {
		if (this.channel.eventLoop().inEventLoop()) {
			task.run();
		}
		else {
			this.channel.eventLoop().execute(task);
		}
	}

	/**
	 * Resumes writing when a channel that filled its buffers can take more.
	 */
	private final class WritabilityWatcher extends ChannelInboundHandlerAdapter {

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
			if (context.channel().isWritable() && ReactorNettyStreamWriter.this.awaitingWritability) {
				ReactorNettyStreamWriter.this.awaitingWritability = false;
				requestIfNeeded();
			}
			super.channelWritabilityChanged(context);
		}

	}

}
