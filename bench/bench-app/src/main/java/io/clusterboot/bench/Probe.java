package io.clusterboot.bench;

/**
 * The message of the benchmark, in both directions.
 *
 * @param kind what the message is for: {@code ping} and {@code echo} for round trips,
 * {@code flood-start}, {@code flood}, {@code flood-end} and {@code flood-ack} for the flood
 * @param seq the sequence number of a ping or flood message; in a {@code flood-ack}, the
 * number of flood messages the master received
 * @param data padding, to set the size of the message
 */
record Probe(String kind, long seq, String data) {

}
