/**
 * The Actuator side of evstream: the {@code evstream} endpoint and the health indicator.
 */
@NullMarked
package dev.evstream.spring.actuate;

import org.jspecify.annotations.NullMarked;
