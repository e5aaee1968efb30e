package io.clusterboot.it.app;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says which build of the application a worker runs, so that the tests can see a new
 * build roll out.
 */
@Component
class VersionReporter {

	private final String version;

	VersionReporter(@Value("${app.version:1}") String version) {
		this.version = version;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		System.out.println("APP-VERSION " + this.version + " pid=" + ProcessHandle.current().pid());
	}

}
