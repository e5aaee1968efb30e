package io.clusterboot.server.tomcat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
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
 * Tomcat lists its sessions nowhere public, so they are read from its field and each is
 * closed with the reason the other servers' drains give, {@link #GOING_AWAY_REASON}. If the
 * field cannot be read, they are closed all at once as Tomcat closes them when its web
 * application stops ({@link WsWebSocketContainer#destroy()}, reason "The web application
 * is stopping"), and their number, for the log, is 0.
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
		List<WsSession> open = openSessions(container);
		if (open == null) {
			container.destroy();
			return 0;
		}
		int told = 0;
		for (WsSession session : open) {
			try {
				session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, GOING_AWAY_REASON));
				told++;
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Could not close WebSocket session " + session.getId(), ex);
			}
		}
		return told;
	}

	private static @Nullable List<WsSession> openSessions(WsWebSocketContainer container) {
		if (SESSIONS == null) {
			return null;
		}
		try {
			List<WsSession> open = new ArrayList<>();
			for (Object session : ((Map<?, ?>) SESSIONS.get(container)).keySet()) {
				if (session instanceof WsSession wsSession && wsSession.isOpen()) {
					open.add(wsSession);
				}
			}
			return open;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("Could not read Tomcat's WebSocket sessions", ex);
			return null;
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
