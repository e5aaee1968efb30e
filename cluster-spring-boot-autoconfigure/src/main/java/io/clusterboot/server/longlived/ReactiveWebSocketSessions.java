package io.clusterboot.server.longlived;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.server.ServerWebExchange;

import io.clusterboot.server.LongLivedConnections;

/**
 * Tracks the WebSocket sessions of a WebFlux application, on any server, and closes them
 * with 1001 (going away) when a drain starts; a session that opens afterwards is closed
 * at once. It decorates the {@link WebSocketService} of every
 * {@link WebSocketHandlerAdapter}, through which every {@link WebSocketHandler} mapped to
 * a URL is run.
 *
 * @since 0.1.0
 */
public class ReactiveWebSocketSessions implements BeanPostProcessor, LongLivedConnections {

	private static final CloseStatus GOING_AWAY = CloseStatus.GOING_AWAY.withReason(GOING_AWAY_REASON);

	private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

	private volatile boolean draining;

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebSocketHandlerAdapter adapter
				&& !(adapter.getWebSocketService() instanceof TrackingWebSocketService)) {
			WebSocketHandlerAdapter tracking = new WebSocketHandlerAdapter(
					new TrackingWebSocketService(adapter.getWebSocketService()));
			tracking.setOrder(adapter.getOrder());
			return tracking;
		}
		return bean;
	}

	@Override
	public int goAway() {
		this.draining = true;
		int told = 0;
		for (WebSocketSession session : this.sessions) {
			if (this.sessions.remove(session)) {
				close(session);
				told++;
			}
		}
		return told;
	}

	@Override
	public String getDescription() {
		return "WebSocket session(s) closed with 1001 (going away)";
	}

	private static void close(WebSocketSession session) {
		session.close(GOING_AWAY).onErrorComplete().subscribe();
	}

	/**
	 * Runs every handler so that its session is tracked while it is open.
	 */
	private final class TrackingWebSocketService implements WebSocketService {

		private final WebSocketService delegate;

		TrackingWebSocketService(WebSocketService delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
			return this.delegate.handleRequest(exchange, new TrackingHandler(handler));
		}

	}

	/**
	 * A handler that tracks its session.
	 */
	private final class TrackingHandler implements WebSocketHandler {

		private final WebSocketHandler delegate;

		TrackingHandler(WebSocketHandler delegate) {
			this.delegate = delegate;
		}

		@Override
		public List<String> getSubProtocols() {
			return this.delegate.getSubProtocols();
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			Set<WebSocketSession> sessions = ReactiveWebSocketSessions.this.sessions;
			sessions.add(session);
			if (ReactiveWebSocketSessions.this.draining && sessions.remove(session)) {
				close(session);
			}
			return this.delegate.handle(session).doFinally((signal) -> sessions.remove(session));
		}

	}

}
