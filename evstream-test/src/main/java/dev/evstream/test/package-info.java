/**
 * Test support shared by the evstream modules: a raw SSE client that reads the bytes off
 * a real socket, and a parser that follows the WHATWG rules browsers use.
 */
@NullMarked
package dev.evstream.test;

import org.jspecify.annotations.NullMarked;
