package io.clusterboot.internal.worker;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.springframework.core.Ordered;

/**
 * Counts the requests a worker serves, and the ones in flight, for its heartbeats: a
 * worker whose requests stop completing is hung even while it still sends heartbeats.
 */
public class RequestCountingFilter implements Filter, Ordered {

	private final WorkerRuntime runtime;

	/**
	 * Create a filter.
	 * @param runtime the worker runtime that counts requests
	 */
	public RequestCountingFilter(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		// A filter sees an asynchronous request once, on its way in: it is in flight until
		// the container thread is given back, which is what a hang would hold
		this.runtime.requestStarted();
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.runtime.requestCompleted();
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
