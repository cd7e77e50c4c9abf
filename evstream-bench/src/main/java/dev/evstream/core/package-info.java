/**
 * Benchmarks of evstream-core's internals, which live in its package.
 */
@NullMarked
package dev.evstream.core;

import org.jspecify.annotations.NullMarked;
