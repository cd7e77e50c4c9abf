/**
 * Backend SPI: the one value that gathers the bus and the stores shared by the instances
 * of an application.
 */
@NullMarked
package dev.evstream.core.backend;

import org.jspecify.annotations.NullMarked;
