package io.clusterboot.server.jetty;

import java.io.IOException;

import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.server.ServerContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketContainer;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.context.ServletContextAware;

import io.clusterboot.server.LongLivedConnections;

/**
 * The WebSocket sessions of a servlet application on Jetty, told to go with close code
 * 1001 (going away) when a drain starts. Jetty has two containers, and each holds the
 * sessions of some endpoints: its Jakarta WebSocket container has those of
 * {@code @ServerEndpoint}s, and its own (Jetty API) container those of Spring's
 * {@code @EnableWebSocket} handlers and STOMP, which Spring runs on it when it is on the
 * class path.
 *
 * @since 0.1.0
 */
public class JettyWebSocketSessions implements LongLivedConnections, ServletContextAware {

	private static final Log logger = LogFactory.getLog(JettyWebSocketSessions.class);

	private static final boolean JAKARTA_PRESENT = ClassUtils.isPresent(
			"org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketContainer",
			JettyWebSocketSessions.class.getClassLoader());

	private static final boolean JETTY_API_PRESENT = ClassUtils.isPresent(
			"org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer",
			JettyWebSocketSessions.class.getClassLoader());

	private volatile @Nullable ServletContext servletContext;

	@Override
	public void setServletContext(ServletContext servletContext) {
		this.servletContext = servletContext;
	}

	@Override
	public int goAway() {
		ServletContext context = this.servletContext;
		if (context == null) {
			return 0;
		}
		int told = 0;
		if (JAKARTA_PRESENT) {
			told += JakartaSessions.goAway(context);
		}
		if (JETTY_API_PRESENT) {
			told += JettyApiSessions.goAway(context);
		}
		return told;
	}

	@Override
	public String getDescription() {
		return "WebSocket session(s) closed with 1001 (going away)";
	}

	/**
	 * The sessions of Jetty's Jakarta WebSocket container.
	 */
	private static final class JakartaSessions {

		static int goAway(ServletContext context) {
			if (!(context.getAttribute(ServerContainer.class.getName()) instanceof JakartaWebSocketContainer container)) {
				return 0;
			}
			int told = 0;
			for (jakarta.websocket.Session session : container.getOpenSessions()) {
				if (session.isOpen()) {
					try {
						session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, GOING_AWAY_REASON));
						told++;
					}
					catch (IOException ex) {
						logger.debug("Could not close WebSocket session " + session.getId(), ex);
					}
				}
			}
			return told;
		}

	}

	/**
	 * The sessions of Jetty's own WebSocket container.
	 */
	private static final class JettyApiSessions {

		static int goAway(ServletContext context) {
			JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(context);
			if (container == null) {
				return 0;
			}
			int told = 0;
			for (Session session : container.getOpenSessions()) {
				if (session.isOpen()) {
					session.close(StatusCode.SHUTDOWN, GOING_AWAY_REASON, Callback.NOOP);
					told++;
				}
			}
			return told;
		}

	}

}
