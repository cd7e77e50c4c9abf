package dev.evstream.core.record;

import org.reactivestreams.Publisher;

/**
 * Reads a record set's records from the application's database.
 * <p>
 * It is called with {@code 0} for a joining client's snapshot, and with a version a
 * client already has for the changes since. It runs on a thread that may block, so a JDBC
 * query is as welcome as an R2DBC one.
 *
 * @param <R> the type of the records
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvRecordLoader<R> {

	/**
	 * Loads the records whose version is above a version, soft-deleted ones included: a
	 * client keeps the version of a deleted record, so that a late broadcast of an older
	 * version cannot bring it back. Old soft-deleted records may be left out once no
	 * broadcast of them can still be on its way.
	 * @param sinceVersion the version the caller has, {@code 0} for every record
	 * @return the records, in any order
	 */
	Publisher<R> load(long sinceVersion);

}
