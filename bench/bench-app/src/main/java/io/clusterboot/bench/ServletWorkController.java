package io.clusterboot.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
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

	private final WorkerIdentity identity;

	ServletWorkController(WorkerIdentity identity) {
		this.identity = identity;
	}

	@GetMapping("/")
	Identity hello() {
		return this.identity.current();
	}

	@GetMapping("/work")
	Identity work() {
		return Work.burn(this.identity.current());
	}

}
