package io.clusterboot.server;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.util.ClassUtils;

/**
 * The embedded web servers whose port the workers can share with {@code SO_REUSEPORT}:
 * Tomcat, Jetty and Reactor Netty, servlet and reactive alike. The master checks, before
 * forking, that the application will run on one of them; each worker checks the web
 * server factory it gets.
 *
 * @since 0.1.0
 */
public final class SharedPortServers {

	private static final String TOMCAT = "org.springframework.boot.tomcat.TomcatWebServerFactory";

	private static final String JETTY = "org.springframework.boot.jetty.JettyWebServerFactory";

	private static final String REACTOR_NETTY = "org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory";

	private SharedPortServers() {
	}

	/**
	 * Check that the web server Spring Boot will pick for an application is one whose
	 * port the workers can share.
	 * @param type the application's type, {@link WebApplicationType#SERVLET} or
	 * {@link WebApplicationType#REACTIVE}
	 * @param classLoader the application's class loader
	 * @param port the port the workers will share
	 * @return the names of the servers found, in the order Spring Boot prefers them
	 * @throws PortSharingException if the class path has none of them
	 */
	public static List<String> check(WebApplicationType type, @Nullable ClassLoader classLoader, int port) {
		List<String> found = new ArrayList<>();
		if (type == WebApplicationType.REACTIVE && ClassUtils.isPresent(REACTOR_NETTY, classLoader)) {
			found.add("Reactor Netty");
		}
		if (ClassUtils.isPresent(TOMCAT, classLoader)) {
			found.add("Tomcat");
		}
		if (ClassUtils.isPresent(JETTY, classLoader)) {
			found.add("Jetty");
		}
		if (found.isEmpty()) {
			throw new PortSharingException(port, "this " + type.name().toLowerCase() + " application has none of "
					+ "the web servers whose port cluster mode can share on its class path (Tomcat, Jetty, "
					+ ((type == WebApplicationType.REACTIVE) ? "Reactor Netty" : "and, for reactive applications, "
							+ "Reactor Netty")
					+ ")");
		}
		return found;
	}

	/**
	 * Check that the workers can share the port of a web server made by the given
	 * factory.
	 * @param factory the web server factory
	 * @param port the port the workers will share
	 * @throws PortSharingException if it is none of Tomcat, Jetty and Reactor Netty
	 */
	public static void check(Object factory, int port) {
		for (String name : List.of(TOMCAT, JETTY, REACTOR_NETTY)) {
			if (isInstance(name, factory)) {
				return;
			}
		}
		throw new PortSharingException(port, "the application's web server (" + factory.getClass().getName()
				+ ") is none of Tomcat, Jetty and Reactor Netty");
	}

	private static boolean isInstance(String className, Object factory) {
		ClassLoader classLoader = factory.getClass().getClassLoader();
		return ClassUtils.isPresent(className, classLoader)
				&& ClassUtils.resolveClassName(className, classLoader).isInstance(factory);
	}

	/**
	 * Thrown when the application's web server cannot share its port between workers.
	 */
	public static class PortSharingException extends IllegalStateException {

		private final int port;

		private final String reason;

		PortSharingException(int port, String reason) {
			super("Cluster mode cannot share port " + port + " between the workers: " + reason
					+ ". Set cluster.port-sharing=proxy to have the master accept the connections and hand them to "
					+ "the workers (any web server), or cluster.workers=0 to run a single process");
			this.port = port;
			this.reason = reason;
		}

		/**
		 * The port.
		 * @return the port
		 */
		public int getPort() {
			return this.port;
		}

		/**
		 * Why the port cannot be shared.
		 * @return the reason, naming the web server
		 */
		public String getReason() {
			return this.reason;
		}

	}

}
