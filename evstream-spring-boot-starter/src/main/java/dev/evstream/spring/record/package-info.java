/**
 * Record sets in a Spring application: the {@code EvRecords} bean, with which the
 * application registers its record sets (rows of its own database, changed through
 * actions).
 */
@NullMarked
package dev.evstream.spring.record;

import org.jspecify.annotations.NullMarked;
