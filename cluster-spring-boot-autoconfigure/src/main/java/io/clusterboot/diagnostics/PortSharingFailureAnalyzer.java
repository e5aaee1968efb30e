package io.clusterboot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.clusterboot.server.SharedPortServers.PortSharingException;

/**
 * Explains a cluster that could not start because its web server cannot share a port
 * between workers.
 */
class PortSharingFailureAnalyzer extends AbstractFailureAnalyzer<PortSharingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PortSharingException cause) {
		return new FailureAnalysis(
				"The cluster could not share port " + cause.getPort() + " between its workers: " + cause.getReason()
						+ ".",
				"Set cluster.port-sharing=proxy: the master then accepts the connections and hands them to the "
						+ "workers, which works with any web server. Or run the application on Tomcat, Jetty or "
						+ "Reactor Netty, or set cluster.workers=0 to run it as a single process.",
				cause);
	}

}
