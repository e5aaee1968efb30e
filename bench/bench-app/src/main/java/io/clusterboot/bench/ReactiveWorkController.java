package io.clusterboot.bench;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.bench.Work.Identity;

/**
 * WebFlux (Reactor Netty, Tomcat): {@code GET /} answers at once on the server's thread;
 * {@code GET /work} does the same millisecond of CPU work as the servlet version, but on
 * Reactor's bounded elastic scheduler, off the event loop: the servlet version blocks one
 * of the server's request threads for it, and a WebFlux application must not block an
 * event loop thread.
 */
@RestController
@ConditionalOnWebApplication(type = Type.REACTIVE)
class ReactiveWorkController {

	private final Environment environment;

	private volatile Identity identity;

	ReactiveWorkController(Environment environment) {
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
	Mono<Identity> work() {
		return Mono.fromSupplier(() -> Work.burn(this.identity)).subscribeOn(Schedulers.boundedElastic());
	}

}
