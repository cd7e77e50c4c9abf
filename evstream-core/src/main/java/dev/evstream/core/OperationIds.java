package dev.evstream.core;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The ids writers give their writes, so that a retry is applied once and the broadcast of
 * the write can name it: 1 to 64 characters from {@code A-Z a-z 0-9 _ . : -}. Every model
 * that takes writes from clients checks them here.
 *
 * @since 0.1.0
 */
public final class OperationIds {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

	private OperationIds() {
	}

	/**
	 * Checks an operation id.
	 * @param operationId the id, or {@code null} for none
	 * @throws IllegalArgumentException if the id does not follow the rule
	 */
	public static void check(@Nullable String operationId) {
		if (operationId != null && !VALID.matcher(operationId).matches()) {
			throw new IllegalArgumentException(
					"An operation id must be 1 to 64 characters among A-Z, a-z, 0-9, '_', '.', ':' and '-'");
		}
	}

}
