package dev.evstream.spring.web;

import reactor.netty.http.server.logging.AccessLog;
import reactor.netty.http.server.logging.AccessLogArgProvider;
import reactor.netty.http.server.logging.AccessLogFactory;

/**
 * Reactor Netty's access log, in its default format, with the values of the token and
 * connection ticket query parameters replaced by {@code ***}, so that credentials sent in
 * URLs never reach the log. The parameters are recognised by their decoded names, as the
 * endpoint reads them ({@code %74oken=} is {@code token=}), on every path.
 *
 * @since 0.1.0
 */
final class TokenRedactingAccessLog implements AccessLogFactory {

	private static final String FORMAT = "{} - {} [{}] \"{} {} {}\" {} {} {}";

	private final String tokenParameter;

	/**
	 * Creates the access log.
	 * @param tokenParameter the query parameter that carries tokens
	 */
	TokenRedactingAccessLog(String tokenParameter) {
		this.tokenParameter = tokenParameter;
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
		String text = uri.toString();
		int query = text.indexOf('?');
		if (query == -1) {
			return text;
		}
		int fragment = text.indexOf('#', query);
		int end = (fragment != -1) ? fragment : text.length();
		String redacted = QueryParameters.rewrite(text.substring(query + 1, end), this.tokenParameter, "***");
		redacted = QueryParameters.rewrite(redacted, RequestPrincipals.TICKET_PARAMETER, "***");
		return text.substring(0, query + 1) + redacted + text.substring(end);
	}

	private static Object address(AccessLogArgProvider args) {
		java.net.SocketAddress address = args.remoteAddress();
		if (address instanceof java.net.InetSocketAddress inet) {
			return inet.getHostString();
		}
		return (address != null) ? address : "-";
	}

}
