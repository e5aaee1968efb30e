package io.clusterboot.server.longlived;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import io.clusterboot.server.LongLivedConnections;

/**
 * Tracks the server-sent event streams of a servlet application, the asynchronous
 * requests whose response is {@code text/event-stream} (Spring MVC's {@code SseEmitter},
 * a {@code Flux} returned as an event stream), and completes them when a drain starts:
 * the response ends cleanly, and the client reconnects to a sibling worker. A stream that
 * starts afterwards is completed at once.
 *
 * @since 0.1.0
 */
public class ServletEventStreamFilter extends OncePerRequestFilter implements LongLivedConnections, Ordered {

	private static final Log logger = LogFactory.getLog(ServletEventStreamFilter.class);

	private final Set<AsyncContext> streams = ConcurrentHashMap.newKeySet();

	private volatile boolean draining;

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, response);
		if (request.isAsyncStarted() && isEventStream(response.getContentType())) {
			AsyncContext context = request.getAsyncContext();
			context.addListener(new Untracking(context));
			this.streams.add(context);
			if (this.draining) {
				complete(context);
			}
		}
	}

	private static boolean isEventStream(@Nullable String contentType) {
		try {
			return contentType != null
					&& MediaType.TEXT_EVENT_STREAM.isCompatibleWith(MediaType.parseMediaType(contentType));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@Override
	public int goAway() {
		this.draining = true;
		int told = 0;
		for (AsyncContext context : this.streams) {
			if (complete(context)) {
				told++;
			}
		}
		return told;
	}

	private boolean complete(AsyncContext context) {
		if (!this.streams.remove(context)) {
			return false;
		}
		try {
			context.complete();
			return true;
		}
		catch (IllegalStateException ex) {
			// Completed or failed meanwhile
			logger.debug("Event stream already ended", ex);
			return false;
		}
	}

	@Override
	public String getDescription() {
		return "server-sent event stream(s) completed";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 20;
	}

	/**
	 * Forgets a stream once it has ended.
	 */
	private final class Untracking implements AsyncListener {

		private final AsyncContext context;

		Untracking(AsyncContext context) {
			this.context = context;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			ServletEventStreamFilter.this.streams.remove(this.context);
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			ServletEventStreamFilter.this.streams.remove(this.context);
		}

		@Override
		public void onError(AsyncEvent event) {
			ServletEventStreamFilter.this.streams.remove(this.context);
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
