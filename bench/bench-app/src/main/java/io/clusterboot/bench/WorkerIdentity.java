package io.clusterboot.bench;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.clusterboot.bench.Work.Identity;
import io.clusterboot.worker.MasterLink;

/**
 * Which worker this is, asked of the {@link MasterLink} at every answer: a hot spare
 * learns its slot's id when it is promoted, after the beans that answer are created. A
 * single process has no link and answers worker 0.
 */
@Component
class WorkerIdentity {

	private final @Nullable MasterLink link;

	private final long pid = ProcessHandle.current().pid();

	WorkerIdentity(ObjectProvider<MasterLink> link) {
		this.link = link.getIfAvailable();
	}

	Identity current() {
		return new Identity((this.link != null) ? this.link.getWorkerId() : 0, this.pid);
	}

}
