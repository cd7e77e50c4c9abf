package dev.evstream.core.bus;

import dev.evstream.core.store.StoredState;
import org.jspecify.annotations.Nullable;

/**
 * The text form of {@link BusEvent bus events}, for backends that move strings.
 * <p>
 * One letter names the kind, then one field per line, and the free text (data or JSON)
 * last so that it may contain line breaks. The form is simple enough for a server-side
 * script to write, which lets a backend publish an event in the same atomic step as the
 * write it reports: <pre>
 * M channel sequence event data      (a channel message; an empty event means the default)
 * D connectionId event id data      (a direct message; empty event or id means none)
 * C key version dataKey incarnation json   (a state was created)
 * S key version dataKey incarnation json   (a state changed)
 * U key version dataKey incarnation operationId json   (a state changed by a write; an empty id means none)
 * R key                             (a state was removed)
 * </pre>
 *
 * @since 0.1.0
 */
public final class BusEventCodec {

	private BusEventCodec() {
	}

	/**
	 * Encodes an event.
	 * @param event the event
	 * @return its text form
	 */
	public static String encode(BusEvent event) {
		if (event instanceof ChannelMessage message) {
			return join("M", message.channel(), Long.toString(message.sequence()), orEmpty(message.event()),
					message.data());
		}
		if (event instanceof DirectMessage message) {
			return join("D", message.connectionId(), orEmpty(message.event()), orEmpty(message.id()), message.data());
		}
		if (event instanceof StateChanged changed) {
			StoredState state = changed.state();
			if (!changed.created() && state.operationId() != null) {
				return join("U", state.key(), Long.toString(state.version()), state.dataKey(), state.incarnation(),
						state.operationId(), state.json());
			}
			return join(changed.created() ? "C" : "S", state.key(), Long.toString(state.version()), state.dataKey(),
					state.incarnation(), state.json());
		}
		return join("R", ((StateRemoved) event).key());
	}

	/**
	 * Decodes an event.
	 * @param text the text form
	 * @return the event
	 * @throws IllegalArgumentException if the text is not a bus event
	 */
	public static BusEvent decode(String text) {
		if (text.isEmpty()) {
			throw new IllegalArgumentException("Empty bus event");
		}
		char kind = text.charAt(0);
		return switch (kind) {
			case 'M' -> {
				String[] f = split(text, 5);
				yield new ChannelMessage(f[1], parseLong(f[2], text), emptyToNull(f[3]), f[4]);
			}
			case 'D' -> {
				String[] f = split(text, 5);
				yield new DirectMessage(f[1], emptyToNull(f[2]), f[4], emptyToNull(f[3]));
			}
			case 'C', 'S' -> {
				String[] f = split(text, 6);
				yield new StateChanged(new StoredState(f[1], parseLong(f[2], text), f[5], f[3], f[4]), kind == 'C');
			}
			case 'U' -> {
				String[] f = split(text, 7);
				yield new StateChanged(
						new StoredState(f[1], parseLong(f[2], text), f[6], f[3], f[4], emptyToNull(f[5])), false);
			}
			case 'R' -> new StateRemoved(split(text, 2)[1]);
			default -> throw new IllegalArgumentException("Unknown bus event kind '" + kind + "'");
		};
	}

	private static String join(String... fields) {
		return String.join("\n", fields);
	}

	private static String[] split(String text, int fields) {
		String[] parts = text.split("\n", fields);
		if (parts.length != fields) {
			throw new IllegalArgumentException(
					"Bus event '" + text.charAt(0) + "' needs " + fields + " fields but has " + parts.length);
		}
		return parts;
	}

	private static long parseLong(String value, String text) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Bus event '" + text.charAt(0) + "' has a bad number '" + value + "'");
		}
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

	private static @Nullable String emptyToNull(String value) {
		return value.isEmpty() ? null : value;
	}

}
