/**
 * Server-Sent Events wire format: the encoder that turns messages into the bytes every
 * subscriber shares.
 */
@NullMarked
package dev.evstream.core.sse;

import org.jspecify.annotations.NullMarked;
