/**
 * The Redis test harness: a real Redis from the environment, a container or a binary.
 */
@NullMarked
package dev.evstream.test.redis;

import org.jspecify.annotations.NullMarked;
