package io.clusterboot.it.servers;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.server.ServerContainer;
import org.eclipse.jetty.ee11.webapp.AbstractConfiguration;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Long-lived connections of the servlet application: a WebSocket echo at {@code /ws}
 * that greets with the worker's pid, and an event stream at {@code /events} that never
 * ends by itself.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSocket
class ServletLongLivedConfiguration implements WebSocketConfigurer {

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(new EchoHandler(), "/ws");
	}

	/**
	 * Installs Jetty's Jakarta WebSocket container, as Spring Boot's WebSocket module
	 * does, which this application does without. Tomcat's is installed by Spring Boot's
	 * Tomcat module itself.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JettyServletWebServerFactory.class, JakartaWebSocketServletContainerInitializer.class })
	static class JettyWebSocketConfiguration {

		@Bean
		WebServerFactoryCustomizer<JettyServletWebServerFactory> jakartaWebSocketCustomizer() {
			return (factory) -> factory
				.addConfigurations(new AbstractConfiguration(new AbstractConfiguration.Builder()) {

					@Override
					public void configure(WebAppContext context) throws Exception {
						if (context.getServletContext().getAttribute(ServerContainer.class.getName()) == null) {
							WebSocketServerComponents.ensureWebSocketComponents(context.getServer(), context);
							JakartaWebSocketServletContainerInitializer.configure(context, null);
						}
					}

				});
		}

	}

	/**
	 * Greets with the pid, then echoes.
	 */
	static class EchoHandler extends TextWebSocketHandler {

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws IOException {
			session.sendMessage(new TextMessage("hello pid=" + ProcessHandle.current().pid()));
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
			session.sendMessage(new TextMessage(message.getPayload()));
		}

	}

	/**
	 * An endless event stream: one event with the pid every 200 ms.
	 */
	@RestController
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class EventsController {

		private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

		@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		SseEmitter events() {
			SseEmitter emitter = new SseEmitter(0L);
			long pid = ProcessHandle.current().pid();
			ScheduledFuture<?> task = this.scheduler.scheduleAtFixedRate(() -> {
				try {
					emitter.send("pid=" + pid);
				}
				catch (Exception ex) {
					emitter.completeWithError(ex);
					throw new IllegalStateException(ex);
				}
			}, 0, 200, TimeUnit.MILLISECONDS);
			emitter.onCompletion(() -> task.cancel(false));
			emitter.onError((ex) -> task.cancel(false));
			return emitter;
		}

	}

}
