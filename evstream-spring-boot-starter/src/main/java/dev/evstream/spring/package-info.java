/**
 * Auto-configuration of evstream for Spring Boot: the stream and state managers, their
 * backends, and the configuration properties under {@code evstream.*}.
 */
@NullMarked
package dev.evstream.spring;

import org.jspecify.annotations.NullMarked;
