package io.clusterboot.server.tomcat;

import java.lang.reflect.Field;
import java.util.Map;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.websocket.WsSession;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;
import org.springframework.web.context.ServletContextAware;

import io.clusterboot.server.LongLivedConnections;

/**
 * The WebSocket sessions of Tomcat's Jakarta WebSocket container, told to go with close
 * code 1001 (going away) when a drain starts. The container holds every servlet
 * WebSocket session: {@code @ServerEndpoint}s, and Spring's {@code @EnableWebSocket}
 * handlers and STOMP, which run on it.
 * <p>
 * Tomcat closes them all with 1001 itself when its web application stops
 * ({@link WsWebSocketContainer#destroy()}); this does the same at the start of the
 * drain. Tomcat lists its sessions nowhere public, so their number, for the log, is read
 * from its field, and is 0 if it cannot be.
 *
 * @since 0.1.0
 */
public class TomcatWebSocketSessions implements LongLivedConnections, ServletContextAware {

	private static final Log logger = LogFactory.getLog(TomcatWebSocketSessions.class);

	private static final @Nullable Field SESSIONS = findSessionsField();

	private volatile @Nullable ServletContext servletContext;

	@Override
	public void setServletContext(ServletContext servletContext) {
		this.servletContext = servletContext;
	}

	@Override
	public int goAway() {
		ServletContext context = this.servletContext;
		if (context == null
				|| !(context.getAttribute(ServerContainer.class.getName()) instanceof WsWebSocketContainer container)) {
			return 0;
		}
		int open = countOpenSessions(container);
		container.destroy();
		return open;
	}

	private static int countOpenSessions(WsWebSocketContainer container) {
		if (SESSIONS == null) {
			return 0;
		}
		try {
			int open = 0;
			for (Object session : ((Map<?, ?>) SESSIONS.get(container)).keySet()) {
				if (session instanceof WsSession wsSession && wsSession.isOpen()) {
					open++;
				}
			}
			return open;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("Could not count Tomcat's WebSocket sessions", ex);
			return 0;
		}
	}

	private static @Nullable Field findSessionsField() {
		try {
			Field field = ReflectionUtils.findField(WsWebSocketContainer.class, "sessions", Map.class);
			if (field != null) {
				ReflectionUtils.makeAccessible(field);
			}
			return field;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public String getDescription() {
		return "WebSocket session(s) closed with 1001 (going away)";
	}

}
