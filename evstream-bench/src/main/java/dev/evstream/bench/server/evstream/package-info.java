/**
 * The starter-based benchmark server: broadcasts go through
 * {@link dev.evstream.core.EvStreamManager#send}, states through
 * {@link dev.evstream.core.EvState#set}.
 */
@NullMarked
package dev.evstream.bench.server.evstream;

import org.jspecify.annotations.NullMarked;
