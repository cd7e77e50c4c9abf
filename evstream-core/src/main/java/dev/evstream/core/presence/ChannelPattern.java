package dev.evstream.core.presence;

import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A channel name where {@code *} stands for any run of characters, such as
 * {@code room:*}.
 */
final class ChannelPattern {

	private final String text;

	private final Pattern pattern;

	ChannelPattern(String text) {
		Objects.requireNonNull(text, "'channelPattern' must not be null");
		if (text.isEmpty()) {
			throw new IllegalArgumentException("A channel pattern must not be empty");
		}
		this.text = text;
		StringJoiner regex = new StringJoiner(".*");
		for (String literal : text.split("\\*", -1)) {
			regex.add(Pattern.quote(literal));
		}
		this.pattern = Pattern.compile(regex.toString());
	}

	boolean matches(String channel) {
		return this.pattern.matcher(channel).matches();
	}

	@Override
	public String toString() {
		return this.text;
	}

}
