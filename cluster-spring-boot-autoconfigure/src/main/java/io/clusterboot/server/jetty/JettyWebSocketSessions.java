package io.clusterboot.server.jetty;

import java.io.IOException;

import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.web.context.ServletContextAware;

import io.clusterboot.server.LongLivedConnections;

/**
 * The WebSocket sessions of Jetty's Jakarta WebSocket container, told to go with close
 * code 1001 (going away) when a drain starts. The container holds every servlet
 * WebSocket session: {@code @ServerEndpoint}s, and Spring's {@code @EnableWebSocket}
 * handlers and STOMP, which run on it.
 *
 * @since 0.1.0
 */
public class JettyWebSocketSessions implements LongLivedConnections, ServletContextAware {

	private static final Log logger = LogFactory.getLog(JettyWebSocketSessions.class);

	private volatile @Nullable ServletContext servletContext;

	@Override
	public void setServletContext(ServletContext servletContext) {
		this.servletContext = servletContext;
	}

	@Override
	public int goAway() {
		ServletContext context = this.servletContext;
		if (context == null
				|| !(context.getAttribute(ServerContainer.class.getName()) instanceof JakartaWebSocketContainer container)) {
			return 0;
		}
		int told = 0;
		for (Session session : container.getOpenSessions()) {
			if (session.isOpen()) {
				try {
					session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "Server is draining"));
					told++;
				}
				catch (IOException ex) {
					logger.debug("Could not close WebSocket session " + session.getId(), ex);
				}
			}
		}
		return told;
	}

	@Override
	public String getDescription() {
		return "WebSocket session(s) closed with 1001 (going away)";
	}

}
