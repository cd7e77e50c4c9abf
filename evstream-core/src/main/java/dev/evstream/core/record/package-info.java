/**
 * Record sets, as partysync's: rows of the application's own database, sent live to every
 * client and changed through actions whose handler runs in the application's transaction
 * and returns the records it changed.
 */
@NullMarked
package dev.evstream.core.record;

import org.jspecify.annotations.NullMarked;
