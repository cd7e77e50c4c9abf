package dev.evstream.spring.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Finds query parameters by their decoded name, the way Spring's
 * {@code ServerHttpRequest.getQueryParams()} reads them: pairs separated by {@code &},
 * names and values decoded as {@code application/x-www-form-urlencoded}. Matching the raw
 * text instead would let {@code %74oken=} or {@code t%6Fken=} through, which the endpoint
 * still reads as {@code token}.
 */
final class QueryParameters {

	private QueryParameters() {
	}

	/**
	 * Rewrites the pairs of a raw query whose decoded name is the given one.
	 * @param rawQuery the query, as sent (still encoded)
	 * @param name the decoded name of the parameter
	 * @param replacement the value to put in place of each such pair's, or {@code null}
	 * to remove the pairs altogether
	 * @return the query, rewritten; the same string when no pair matched
	 */
	static String rewrite(String rawQuery, String name, @Nullable String replacement) {
		StringBuilder rewritten = new StringBuilder(rawQuery.length());
		boolean matched = false;
		int start = 0;
		while (start <= rawQuery.length()) {
			int end = rawQuery.indexOf('&', start);
			if (end == -1) {
				end = rawQuery.length();
			}
			String pair = rawQuery.substring(start, end);
			int equals = pair.indexOf('=');
			String rawName = (equals != -1) ? pair.substring(0, equals) : pair;
			if (!rawName.isEmpty() && isName(rawName, name)) {
				matched = true;
				if (replacement != null) {
					append(rewritten, rawName + "=" + replacement);
				}
			}
			else if (!pair.isEmpty()) {
				append(rewritten, pair);
			}
			start = end + 1;
		}
		return matched ? rewritten.toString() : rawQuery;
	}

	private static boolean isName(String rawName, String name) {
		try {
			return URLDecoder.decode(rawName, StandardCharsets.UTF_8).equals(name);
		}
		catch (IllegalArgumentException ex) {
			// a name that cannot be decoded might still be read as the parameter by a
			// more lenient decoder: treat it as the parameter rather than show its
			// value
			return true;
		}
	}

	private static void append(StringBuilder query, String pair) {
		if (!query.isEmpty()) {
			query.append('&');
		}
		query.append(pair);
	}

}
