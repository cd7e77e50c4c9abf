package dev.evstream.spring.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.netty.http.server.logging.AccessLog;
import reactor.netty.http.server.logging.AccessLogArgProvider;
import reactor.netty.http.server.logging.AccessLogFactory;

/**
 * Reactor Netty's access log, in its default format, with the value of the token query
 * parameter replaced by {@code ***}, so that tokens sent in URLs never reach the log.
 *
 * @since 0.1.0
 */
public final class TokenRedactingAccessLog implements AccessLogFactory {

	private static final String FORMAT = "{} - {} [{}] \"{} {} {}\" {} {} {}";

	private final Pattern token;

	/**
	 * Creates the access log.
	 * @param tokenParameter the query parameter that carries tokens
	 */
	public TokenRedactingAccessLog(String tokenParameter) {
		this.token = Pattern.compile("([?&]" + Pattern.quote(tokenParameter) + "=)[^&#]*");
	}

	@Override
	public AccessLog apply(AccessLogArgProvider args) {
		return AccessLog.create(FORMAT, address(args), (args.user() != null) ? args.user() : "-", args.zonedDateTime(),
				args.method(), redact(args.uri()), args.protocol(), args.status(),
				(args.contentLength() > -1) ? args.contentLength() : "-", args.duration());
	}

	/**
	 * Redacts the token of a request URI.
	 * @param uri the URI, possibly {@code null}
	 * @return the URI with the token's value replaced by {@code ***}
	 */
	String redact(CharSequence uri) {
		if (uri == null) {
			return "-";
		}
		Matcher matcher = this.token.matcher(uri);
		return matcher.find() ? matcher.replaceAll("$1***") : uri.toString();
	}

	private static Object address(AccessLogArgProvider args) {
		java.net.SocketAddress address = args.remoteAddress();
		if (address instanceof java.net.InetSocketAddress inet) {
			return inet.getHostString();
		}
		return (address != null) ? address : "-";
	}

}
