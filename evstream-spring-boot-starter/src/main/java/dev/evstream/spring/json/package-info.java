/**
 * Strict JSON requests: only JSON content types for writes, and no repeated keys in JSON
 * objects.
 */
@NullMarked
package dev.evstream.spring.json;

import org.jspecify.annotations.NullMarked;
