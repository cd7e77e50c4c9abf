package dev.evstream.bench.loadgen;

/**
 * How the SSE connections of a run fared at the HTTP and TCP level. Updated and read on
 * the load generator's single I/O thread.
 *
 * @since 0.1.0
 */
public final class ConnectionCounts {

	int connected;

	int connectFailures;

	int okResponses;

	int errorResponses;

	int stalledResponses;

	int streamsEnded;

	int closed;

	/**
	 * Returns the connections that were established.
	 * @return the count
	 */
	public int connected() {
		return this.connected;
	}

	/**
	 * Returns the connection attempts that failed for good, after retries.
	 * @return the count
	 */
	public int connectFailures() {
		return this.connectFailures;
	}

	/**
	 * Returns the responses with status {@code 200}.
	 * @return the count
	 */
	public int okResponses() {
		return this.okResponses;
	}

	/**
	 * Returns the responses with another status.
	 * @return the count
	 */
	public int errorResponses() {
		return this.errorResponses;
	}

	/**
	 * Returns the responses, of any status, that stalled connections received: each means
	 * that the server has taken that connection in.
	 * @return the count
	 */
	public int stalledResponses() {
		return this.stalledResponses;
	}

	/**
	 * Returns the response bodies that the server ended.
	 * @return the count
	 */
	public int streamsEnded() {
		return this.streamsEnded;
	}

	/**
	 * Returns the connections that were closed, by either side.
	 * @return the count
	 */
	public int closed() {
		return this.closed;
	}

}
