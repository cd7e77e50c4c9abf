/**
 * The WebFlux side of evstream: the SSE endpoint, its problem details, and the writer
 * that lets applications serve an {@link dev.evstream.core.EvStream} from their own
 * handlers.
 */
@NullMarked
package dev.evstream.spring.web;

import org.jspecify.annotations.NullMarked;
