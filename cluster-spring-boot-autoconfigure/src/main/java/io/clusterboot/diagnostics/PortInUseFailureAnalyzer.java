package io.clusterboot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.clusterboot.server.PortGuard.PortInUseException;

/**
 * Explains a cluster that could not start because another program holds its port.
 */
class PortInUseFailureAnalyzer extends AbstractFailureAnalyzer<PortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PortInUseException cause) {
		String holder = (cause.getHolder() != null) ? " (" + cause.getHolder() + ")" : "";
		return new FailureAnalysis(
				"The cluster could not start: port " + cause.getPort() + " is already in use by another program"
						+ holder + ", so its workers could not share it. No worker was started.",
				"Stop the program that holds port " + cause.getPort()
						+ ", or set server.port to another port (0 picks a free one for all workers).",
				cause);
	}

}
