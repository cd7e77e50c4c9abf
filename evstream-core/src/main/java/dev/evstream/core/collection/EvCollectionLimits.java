package dev.evstream.core.collection;

/**
 * How much a collection group may hold, so that no client can grow the backend's memory
 * without bound.
 *
 * @param maxItemsPerGroup the most items one group holds; creating one more is refused
 * @param maxItemBytes the largest item, in bytes of its JSON text (UTF-8)
 * @since 0.1.0
 */
public record EvCollectionLimits(int maxItemsPerGroup, int maxItemBytes) {

	/**
	 * The defaults: 10,000 items per group, of 64 KiB at most.
	 */
	public static final EvCollectionLimits DEFAULT = new EvCollectionLimits(10_000, 64 * 1024);

	/**
	 * Creates limits, checking them.
	 * @param maxItemsPerGroup the most items per group, at least 1
	 * @param maxItemBytes the largest item in bytes, at least 2 (the size of {@code {}})
	 */
	public EvCollectionLimits {
		if (maxItemsPerGroup < 1) {
			throw new IllegalArgumentException("Items per group must be at least 1, but was " + maxItemsPerGroup);
		}
		if (maxItemBytes < 2) {
			throw new IllegalArgumentException("Item bytes must be at least 2, but was " + maxItemBytes);
		}
	}

}
