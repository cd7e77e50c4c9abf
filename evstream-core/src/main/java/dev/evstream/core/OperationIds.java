package dev.evstream.core;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The ids writers give their writes, so that a retry is applied once and the broadcast of
 * the write can name it.
 */
final class OperationIds {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

	private OperationIds() {
	}

	static void check(@Nullable String operationId) {
		if (operationId != null && !VALID.matcher(operationId).matches()) {
			throw new IllegalArgumentException(
					"An operation id must be 1 to 64 characters among A-Z, a-z, 0-9, '_', '.', ':' and '-'");
		}
	}

}
