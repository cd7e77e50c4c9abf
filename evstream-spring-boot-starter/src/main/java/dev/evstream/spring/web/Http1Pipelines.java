package dev.evstream.spring.web;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import reactor.netty.NettyPipeline;

/**
 * Where evstream's Netty handlers go: connections that speak HTTP/1.x through Reactor
 * Netty's own codec (cleartext, or TLS without ALPN), not HTTP/2 nor h2c.
 */
final class Http1Pipelines {

	private Http1Pipelines() {
	}

	/**
	 * Returns whether a handler of the given name can be added around the HTTP/1.x codec
	 * of a pipeline: the codec is there, the connection is not being upgraded to h2c, and
	 * the handler is not installed yet.
	 * @param pipeline the pipeline of a new connection
	 * @param handler the name of the handler to add
	 * @return whether to add it
	 */
	static boolean accepts(ChannelPipeline pipeline, String handler) {
		return pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec
				&& pipeline.get(NettyPipeline.H2CUpgradeHandler) == null && pipeline.get(handler) == null;
	}

}
