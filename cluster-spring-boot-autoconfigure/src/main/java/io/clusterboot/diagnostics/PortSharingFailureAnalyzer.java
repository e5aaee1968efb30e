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
				"Run the application on Tomcat, Jetty or Reactor Netty, or set cluster.workers=0 to run it as a "
						+ "single process. Sharing the port through the master (cluster.port-sharing=proxy) is "
						+ "planned but not built yet.",
				cause);
	}

}
