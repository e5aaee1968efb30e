package io.clusterboot.it.servers;

import java.time.Duration;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;

/**
 * Long-lived connections of the WebFlux application: a WebSocket echo at {@code /ws}
 * that greets with the worker's pid, and an event stream at {@code /events} that never
 * ends by itself.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class ReactiveLongLivedConfiguration {

	@Bean
	HandlerMapping webSocketMapping() {
		long pid = ProcessHandle.current().pid();
		WebSocketHandler echo = (session) -> session.send(Flux
			.concat(Mono.just("hello pid=" + pid),
					session.receive().map((message) -> message.getPayloadAsText()))
			.map(session::textMessage));
		return new SimpleUrlHandlerMapping(Map.of("/ws", echo), -1);
	}

	/**
	 * An endless event stream: one event with the pid every 200 ms.
	 */
	@RestController
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class EventsController {

		@GetMapping("/events")
		Flux<ServerSentEvent<String>> events() {
			long pid = ProcessHandle.current().pid();
			return Flux.interval(Duration.ZERO, Duration.ofMillis(200))
				.onBackpressureDrop()
				.map((tick) -> ServerSentEvent.builder("pid=" + pid).build());
		}

	}

}
