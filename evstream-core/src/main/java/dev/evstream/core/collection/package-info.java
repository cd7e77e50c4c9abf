/**
 * Keyed collections: items organised as {@code stream/group/item}, changed atomically,
 * listened to per group as a snapshot followed by changes, with triggers on every change.
 */
@NullMarked
package dev.evstream.core.collection;

import org.jspecify.annotations.NullMarked;
