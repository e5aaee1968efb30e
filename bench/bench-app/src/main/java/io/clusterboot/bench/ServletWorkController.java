package io.clusterboot.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.bench.Work.Identity;

/**
 * Spring MVC (Tomcat, Jetty): {@code GET /} answers at once, {@code GET /work} after about
 * a millisecond of CPU work on the server's request thread, as in the sample application.
 */
@RestController
@ConditionalOnWebApplication(type = Type.SERVLET)
class ServletWorkController {

	private final Environment environment;

	private volatile Identity identity;

	ServletWorkController(Environment environment) {
		this.environment = environment;
		this.identity = identity(environment);
	}

	/**
	 * Read the worker id again once the application is ready: a hot spare learns it when
	 * it is promoted, after this bean is created.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		this.identity = identity(this.environment);
	}

	private static Identity identity(Environment environment) {
		return new Identity(environment.getProperty("cluster.worker.id", Integer.class, 0),
				ProcessHandle.current().pid());
	}

	@GetMapping("/")
	Identity hello() {
		return this.identity;
	}

	@GetMapping("/work")
	Identity work() {
		return Work.burn(this.identity);
	}

}
