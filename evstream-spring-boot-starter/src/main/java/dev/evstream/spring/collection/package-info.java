/**
 * Keyed collections in a Spring application: the {@code EvCollections} bean, its limits
 * from {@code evstream.collections.*}, and {@link EvCollectionListener} methods as
 * triggers.
 */
@NullMarked
package dev.evstream.spring.collection;

import org.jspecify.annotations.NullMarked;
