package io.clusterboot.bench;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
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

	private final WorkerIdentity identity;

	ReactiveWorkController(WorkerIdentity identity) {
		this.identity = identity;
	}

	@GetMapping("/")
	Identity hello() {
		return this.identity.current();
	}

	@GetMapping("/work")
	Mono<Identity> work() {
		return Mono.fromSupplier(() -> Work.burn(this.identity.current())).subscribeOn(Schedulers.boundedElastic());
	}

}
