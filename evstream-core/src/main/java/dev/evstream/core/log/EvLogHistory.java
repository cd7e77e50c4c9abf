package dev.evstream.core.log;

import java.util.List;

/**
 * A log as a joining client receives it: the state at a base sequence and every event
 * after it.
 *
 * @param <S> the type of the state
 * @param baseSequence the base: {@code 0} for a log never compacted, else the sequence it
 * was last compacted at
 * @param baseState the state at the base
 * @param entries the events after the base, oldest first
 * @since 0.1.0
 */
public record EvLogHistory<S>(long baseSequence, S baseState, List<EvLogEntry> entries) {

	/**
	 * Creates a history, copying the entries.
	 * @param baseSequence the base sequence
	 * @param baseState the state at the base
	 * @param entries the events after it
	 */
	public EvLogHistory {
		entries = List.copyOf(entries);
	}

}
