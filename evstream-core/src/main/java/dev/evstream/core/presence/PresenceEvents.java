package dev.evstream.core.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

import dev.evstream.core.store.PresenceMember;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The data of a {@code presence/<channel>} channel's events. A member shows as
 * {@code {"id","principal","joinedAt"}}: its id is derived from the connection's id,
 * which stays with the server, since a connection id lets its holder change the
 * connection's channels.
 */
final class PresenceEvents {

	private PresenceEvents() {
	}

	static String snapshot(List<PresenceMember> members) {
		StringBuilder snapshot = new StringBuilder(32 + 96 * members.size())
			.append("{\"op\":\"snapshot\",\"members\":[");
		for (int i = 0; i < members.size(); i++) {
			if (i > 0) {
				snapshot.append(',');
			}
			member(snapshot, members.get(i));
		}
		return snapshot.append("]}").toString();
	}

	static String change(EvPresenceEvent.Kind kind, PresenceMember member) {
		StringBuilder change = new StringBuilder(128).append("{\"op\":\"")
			.append((kind == EvPresenceEvent.Kind.JOIN) ? "join" : "leave")
			.append("\",\"member\":");
		member(change, member);
		return change.append('}').toString();
	}

	static String memberId(String connectionId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(connectionId.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	private static void member(StringBuilder target, PresenceMember member) {
		target.append("{\"id\":\"").append(memberId(member.connectionId())).append("\",\"principal\":\"");
		JsonStringEncoder.getInstance().quoteAsString(member.principal(), target);
		target.append("\",\"joinedAt\":").append(member.joinedAt()).append('}');
	}

}
