/**
 * Network faults for tests: a TCP proxy that cuts or stalls its links.
 */
@NullMarked
package dev.evstream.test.net;

import org.jspecify.annotations.NullMarked;
