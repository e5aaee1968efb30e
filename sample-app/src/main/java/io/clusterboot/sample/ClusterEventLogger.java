package io.clusterboot.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;

import io.clusterboot.event.ClusterWorkerEvent;
import io.clusterboot.event.WorkerExitedEvent;
import io.clusterboot.event.WorkerForkedEvent;
import io.clusterboot.event.WorkerListeningEvent;
import io.clusterboot.event.WorkerMessageEvent;
import io.clusterboot.event.WorkerOnlineEvent;
import io.clusterboot.master.ClusterMaster;

/**
 * Runs in the master and logs every event of the cluster, one line each, e.g.
 * {@code worker 2 (pid 4242) exited: killed by SIGKILL, restarting in 100ms}.
 */
@ClusterMaster
class ClusterEventLogger {

	private static final Log logger = LogFactory.getLog(ClusterEventLogger.class);

	@EventListener
	void log(ClusterWorkerEvent event) {
		logger.info(event.getWorker() + " " + describe(event));
	}

	private static String describe(ClusterWorkerEvent event) {
		if (event instanceof WorkerForkedEvent) {
			return "forked";
		}
		if (event instanceof WorkerOnlineEvent) {
			return "online";
		}
		if (event instanceof WorkerListeningEvent listening) {
			return (listening.getPort() > 0) ? "listening on port " + listening.getPort() : "ready";
		}
		if (event instanceof WorkerExitedEvent exited) {
			String restart = (exited.getRestartDelay() != null && !exited.isPlanned())
					? ", restarting in " + exited.getRestartDelay().toMillis() + "ms" : "";
			return "exited: " + exited.getExit().describe() + restart;
		}
		if (event instanceof WorkerMessageEvent message) {
			return "says " + message.getMessage().getPayload();
		}
		return "disconnected";
	}

}
