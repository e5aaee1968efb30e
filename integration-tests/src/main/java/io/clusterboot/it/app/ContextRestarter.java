package io.clusterboot.it.app;

import java.util.Map;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Closes the application's context and starts a new one in the same JVM, as a devtools
 * restart does, so that the tests can see a worker come through it fully wired.
 */
@RestController
class ContextRestarter {

	private final ConfigurableApplicationContext context;

	private final ApplicationArguments arguments;

	ContextRestarter(ConfigurableApplicationContext context, ApplicationArguments arguments) {
		this.context = context;
		this.arguments = arguments;
	}

	@GetMapping("/context")
	Map<String, Object> context() {
		return Map.of("startedAt", this.context.getStartupDate());
	}

	@PostMapping("/context/restart")
	Map<String, Object> restart() {
		Thread restart = new Thread(() -> {
			this.context.close();
			SpringApplication.run(TestApplication.class, this.arguments.getSourceArgs());
		}, "context-restart");
		// As devtools' own: not a daemon, or the JVM ends between the two contexts
		restart.setDaemon(false);
		restart.start();
		return Map.of("restarting", true);
	}

}
