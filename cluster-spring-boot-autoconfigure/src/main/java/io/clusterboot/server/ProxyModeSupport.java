package io.clusterboot.server;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.util.ClassUtils;

/**
 * Which web servers can read the PROXY protocol header through which the master, in proxy
 * mode ({@code cluster.port-sharing=proxy}), tells a worker who each connection's client
 * is. Any web server works behind the master; only those that read the header see the
 * real client rather than the master.
 *
 * @since 0.1.0
 */
public final class ProxyModeSupport {

	private static final String TOMCAT = "org.springframework.boot.tomcat.TomcatWebServerFactory";

	private static final String JETTY = "org.springframework.boot.jetty.JettyWebServerFactory";

	private static final String REACTOR_NETTY = "org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory";

	private static final String HAPROXY_CODEC = "io.netty.handler.codec.haproxy.HAProxyMessageDecoder";

	private ProxyModeSupport() {
	}

	/**
	 * Whether the web server Spring Boot will pick for an application can read a PROXY
	 * protocol v2 header: Tomcat and Jetty always; Reactor Netty only with
	 * {@code io.netty:netty-codec-haproxy} on the class path (Spring Boot manages its
	 * version; the application adds the dependency); an application with none of them,
	 * never. The master calls this before forking and sends a header
	 * ({@code CLUSTER_PROXY_PROTOCOL=true}) only if it returns {@code true}; otherwise it
	 * should say once that requests will show the master as their client, and, for
	 * Reactor Netty, to add {@code io.netty:netty-codec-haproxy}.
	 * @param type the application's type; {@link WebApplicationType#REACTIVE} prefers
	 * Reactor Netty, as Spring Boot does
	 * @param classLoader the application's class loader
	 * @return whether the master should send a header before each connection's bytes
	 */
	public static boolean canReadProxyProtocol(WebApplicationType type, @Nullable ClassLoader classLoader) {
		if (type == WebApplicationType.NONE) {
			return false;
		}
		if (type == WebApplicationType.REACTIVE && ClassUtils.isPresent(REACTOR_NETTY, classLoader)) {
			return ClassUtils.isPresent(HAPROXY_CODEC, classLoader);
		}
		return ClassUtils.isPresent(TOMCAT, classLoader) || ClassUtils.isPresent(JETTY, classLoader);
	}

	/**
	 * Whether a web server made by the given factory can read a PROXY protocol v2 header.
	 * @param factory the web server factory
	 * @return {@code true} for Tomcat and Jetty, and for Reactor Netty with
	 * {@code io.netty:netty-codec-haproxy} on the class path
	 */
	public static boolean canReadProxyProtocol(Object factory) {
		ClassLoader classLoader = factory.getClass().getClassLoader();
		if (isInstance(REACTOR_NETTY, factory)) {
			return ClassUtils.isPresent(HAPROXY_CODEC, classLoader);
		}
		return isInstance(TOMCAT, factory) || isInstance(JETTY, factory);
	}

	private static boolean isInstance(String className, Object factory) {
		ClassLoader classLoader = factory.getClass().getClassLoader();
		return ClassUtils.isPresent(className, classLoader)
				&& ClassUtils.resolveClassName(className, classLoader).isInstance(factory);
	}

}
