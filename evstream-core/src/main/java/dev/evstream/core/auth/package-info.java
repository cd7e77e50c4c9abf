/**
 * Authentication and channel authorization SPIs used before a stream is opened.
 */
@NullMarked
package dev.evstream.core.auth;

import org.jspecify.annotations.NullMarked;
