package io.clusterboot.it.servers;

import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says which worker answered, on which web server; the same code for Spring MVC and
 * WebFlux.
 */
@RestController
class IdentityController {

	private final int workerId;

	private final ApplicationContext context;

	IdentityController(@Value("${cluster.worker.id:0}") int workerId, ApplicationContext context) {
		this.workerId = workerId;
		this.context = context;
	}

	@GetMapping("/")
	Map<String, Object> identity() {
		String server = (this.context instanceof WebServerApplicationContext web)
				? web.getWebServer().getClass().getSimpleName() : "none";
		return Map.of("worker", this.workerId, "pid", ProcessHandle.current().pid(), "server", server);
	}

}
