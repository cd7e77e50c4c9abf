/**
 * Authentication and channel authorization SPIs used before a stream is opened, and the
 * single-use connection tickets that carry an authenticated principal to a stream route
 * that cannot authenticate.
 */
@NullMarked
package dev.evstream.core.auth;

import org.jspecify.annotations.NullMarked;
