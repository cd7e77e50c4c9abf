package dev.evstream.bench.loadgen;

/**
 * What one run of a publisher published, in the clock of {@link System#nanoTime()}.
 *
 * @param sent the messages sent
 * @param accepted the messages the server accepted (a 2xx answer, or a send that
 * succeeded inside the server)
 * @param maxLagNanos how late the publisher sent a message at worst
 * @param startNanos the clock at the first send
 * @param lastSendNanos the clock at the last send
 * @since 0.1.0
 */
record PublishOutcome(int sent, int accepted, long maxLagNanos, long startNanos, long lastSendNanos) {

}
