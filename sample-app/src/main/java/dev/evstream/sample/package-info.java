/**
 * The evstream sample: a live counter and a chat, served to browsers and {@code curl}
 * over Server-Sent Events.
 */
@NullMarked
package dev.evstream.sample;

import org.jspecify.annotations.NullMarked;
