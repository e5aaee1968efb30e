package io.clusterboot.bench;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
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

	private final Identity identity;

	ServletWorkController(@Value("${cluster.worker.id:0}") int workerId) {
		this.identity = new Identity(workerId, ProcessHandle.current().pid());
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
