/**
 * Event logs in a Spring application: the {@code EvLogs} bean, whose payloads the
 * application's Bean Validation checks when it has one.
 */
@NullMarked
package dev.evstream.spring.log;

import org.jspecify.annotations.NullMarked;
