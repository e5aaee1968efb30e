package io.clusterboot.worker;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.springframework.core.Ordered;

/**
 * Counts the requests a worker has served, for its heartbeats.
 *
 * @since 0.1.0
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
		// Counted as it arrives: a filter sees an asynchronous request only once
		this.runtime.countRequest();
		chain.doFilter(request, response);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
