/**
 * The evstream engine: {@link dev.evstream.core.EvStream} connections, the
 * {@link dev.evstream.core.EvStreamManager} with its channels and limits, and reactive
 * {@link dev.evstream.core.EvState} values managed by the
 * {@link dev.evstream.core.EvStateManager}.
 */
@NullMarked
package dev.evstream.core;

import org.jspecify.annotations.NullMarked;
