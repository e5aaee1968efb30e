package io.clusterboot.server.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * What a worker's web server does with a connection to its private port that did not come
 * from its master, in proxy mode: it checks where it comes from and logs its refusal as
 * one WARN line, at most one every ten seconds (with the number of refusals not logged
 * since), so that a scanner or a misconfigured client cannot flood the log.
 *
 * @since 0.1.0
 */
public final class RefusedConnections {

	private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final Log logger;

	private final AtomicLong nextWarningNanos = new AtomicLong(System.nanoTime());

	private final AtomicLong unlogged = new AtomicLong();

	/**
	 * Create an instance that logs to the given logger.
	 * @param logger the logger of the web server's hook
	 */
	public RefusedConnections(Log logger) {
		this.logger = logger;
	}

	/**
	 * Whether a connection's peer is on this machine: a loopback address (any of
	 * {@code 127.0.0.0/8} or {@code ::1}) or a Unix domain socket. Only the master, on the
	 * same machine, connects to a worker's private port.
	 * @param peer the connection's remote address, or {@code null} if unknown
	 * @return whether it is local
	 */
	public static boolean isLocal(@Nullable SocketAddress peer) {
		if (peer instanceof InetSocketAddress inet) {
			return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
		}
		return peer instanceof UnixDomainSocketAddress;
	}

	/**
	 * Record that a connection was refused and closed, logging it unless another refusal
	 * was logged in the last ten seconds.
	 * @param peer the connection's remote address, or {@code null} if unknown
	 * @param reason why, e.g. "it sent no PROXY protocol header within 5s"
	 */
	public void refused(@Nullable Object peer, String reason) {
		long now = System.nanoTime();
		long next = this.nextWarningNanos.get();
		if (now - next < 0 || !this.nextWarningNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
			this.unlogged.incrementAndGet();
			return;
		}
		long others = this.unlogged.getAndSet(0);
		this.logger.warn("Closed a connection to this worker's private port from "
				+ ((peer != null) ? peer : "an unknown peer") + ": " + reason
				+ ". Only the cluster's master connects to it"
				+ ((others > 0) ? " (" + others + " more connection(s) refused since the last warning)" : ""));
	}

}
