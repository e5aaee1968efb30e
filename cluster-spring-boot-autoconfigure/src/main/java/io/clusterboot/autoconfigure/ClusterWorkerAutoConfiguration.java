package io.clusterboot.autoconfigure;

import jakarta.servlet.Filter;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.server.WebFilter;

import io.clusterboot.internal.worker.RequestCountingFilter;
import io.clusterboot.internal.worker.WorkerRuntime;
import io.clusterboot.message.ClusterMessenger;
import io.clusterboot.message.WorkerMessenger;
import io.clusterboot.server.LongLivedConnections;
import io.clusterboot.server.PortSharing;
import io.clusterboot.server.PortSharingCheckCustomizer;
import io.clusterboot.server.jetty.JettyDrainLifecycle;
import io.clusterboot.server.jetty.JettyProxyProtocolCustomizer;
import io.clusterboot.server.jetty.JettyReusePortCustomizer;
import io.clusterboot.server.jetty.JettyWebSocketSessions;
import io.clusterboot.server.longlived.ReactiveEventStreamFilter;
import io.clusterboot.server.longlived.ReactiveWebSocketSessions;
import io.clusterboot.server.longlived.ServletEventStreamFilter;
import io.clusterboot.server.netty.NettyDrainLifecycle;
import io.clusterboot.server.netty.NettyProxyProtocolCustomizer;
import io.clusterboot.server.netty.NettyReusePortCustomizer;
import io.clusterboot.server.tomcat.TomcatDrainLifecycle;
import io.clusterboot.server.tomcat.TomcatProxyProtocolCustomizer;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;
import io.clusterboot.server.tomcat.TomcatWebSocketSessions;

/**
 * Auto-configuration of a cluster worker: its web server (Tomcat, Jetty or Reactor Netty)
 * shares the port with {@code SO_REUSEPORT} or, in proxy mode, listens on a private port
 * behind its master and reads the client of each connection from the master's PROXY
 * protocol header; it drains off the port when the worker stops, telling its WebSocket
 * sessions and server-sent event streams to go; it reports where it listens and how many
 * requests it served, and it gets a {@link ClusterMessenger}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnProperty("cluster.worker.id")
public final class ClusterWorkerAutoConfiguration {

	static final String PORT_SHARING = "cluster.worker.port-sharing";

	static final String PROXY_PROTOCOL = "cluster.worker.proxy-protocol";

	/**
	 * Whether the worker runs behind its master in proxy mode, as the master told it.
	 */
	static boolean proxyMode(Environment environment) {
		return PortSharing.PROXY.value().equals(environment.getProperty(PORT_SHARING));
	}

	/**
	 * Whether, in proxy mode, the master sends a PROXY protocol header before each
	 * connection's bytes.
	 */
	static boolean proxyProtocol(Environment environment) {
		return environment.getProperty(PROXY_PROTOCOL, Boolean.class, true);
	}

	static PortSharingCheckCustomizer portSharingCheck(Environment environment) {
		boolean proxyMode = proxyMode(environment);
		return new PortSharingCheckCustomizer(proxyMode, proxyMode && proxyProtocol(environment));
	}

	@Bean
	@ConditionalOnBean(WorkerRuntime.class)
	@ConditionalOnMissingBean(ClusterMessenger.class)
	WorkerMessenger clusterMessenger(WorkerRuntime runtime) {
		return new WorkerMessenger(runtime);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TomcatWebServerFactory.class)
	static class TomcatConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnReusePort
		TomcatReusePortCustomizer tomcatReusePortCustomizer() {
			return new TomcatReusePortCustomizer();
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProxyMode
		TomcatProxyProtocolCustomizer tomcatProxyProtocolCustomizer(Environment environment) {
			return new TomcatProxyProtocolCustomizer(proxyProtocol(environment));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "cluster.worker.drain.enabled", matchIfMissing = true)
		TomcatDrainLifecycle tomcatDrainLifecycle(ApplicationContext context, ClusterProperties properties,
				ObjectProvider<LongLivedConnections> longLivedConnections) {
			ClusterProperties.Worker.Drain drain = properties.getWorker().getDrain();
			TomcatDrainLifecycle lifecycle = new TomcatDrainLifecycle(() -> webServer(context), drain.getTimeout(),
					drain.getIdleTimeout());
			lifecycle.setLongLivedConnections(longLivedConnections);
			return lifecycle;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JettyWebServerFactory.class)
	static class JettyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnReusePort
		JettyReusePortCustomizer jettyReusePortCustomizer() {
			return new JettyReusePortCustomizer();
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProxyMode
		JettyProxyProtocolCustomizer jettyProxyProtocolCustomizer(Environment environment) {
			return new JettyProxyProtocolCustomizer(proxyProtocol(environment));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "cluster.worker.drain.enabled", matchIfMissing = true)
		JettyDrainLifecycle jettyDrainLifecycle(ApplicationContext context, ClusterProperties properties,
				ObjectProvider<LongLivedConnections> longLivedConnections) {
			ClusterProperties.Worker.Drain drain = properties.getWorker().getDrain();
			JettyDrainLifecycle lifecycle = new JettyDrainLifecycle(() -> webServer(context), drain.getTimeout(),
					drain.getIdleTimeout());
			lifecycle.setLongLivedConnections(longLivedConnections);
			return lifecycle;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(NettyReactiveWebServerFactory.class)
	static class ReactorNettyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnReusePort
		NettyReusePortCustomizer nettyReusePortCustomizer() {
			return new NettyReusePortCustomizer();
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProxyMode
		NettyProxyProtocolCustomizer nettyProxyProtocolCustomizer(Environment environment) {
			return new NettyProxyProtocolCustomizer(proxyProtocol(environment));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "cluster.worker.drain.enabled", matchIfMissing = true)
		NettyDrainLifecycle nettyDrainLifecycle(ClusterProperties properties,
				ObjectProvider<LongLivedConnections> longLivedConnections) {
			ClusterProperties.Worker.Drain drain = properties.getWorker().getDrain();
			NettyDrainLifecycle lifecycle = new NettyDrainLifecycle(drain.getTimeout(), drain.getIdleTimeout());
			lifecycle.setLongLivedConnections(longLivedConnections);
			return lifecycle;
		}

	}

	/**
	 * WebSocket sessions and server-sent event streams, told to go when the worker
	 * drains.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
	@ConditionalOnBooleanProperty(name = "cluster.worker.drain.enabled", matchIfMissing = true)
	static class LongLivedConnectionsConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(OncePerRequestFilter.class)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		static class ServletEventStreamConfiguration {

			@Bean
			@ConditionalOnMissingBean
			ServletEventStreamFilter clusterEventStreamFilter() {
				return new ServletEventStreamFilter();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ TomcatWebServerFactory.class, WsWebSocketContainer.class })
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		static class TomcatWebSocketConfiguration {

			@Bean
			@ConditionalOnMissingBean
			TomcatWebSocketSessions tomcatWebSocketSessions() {
				return new TomcatWebSocketSessions();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ JettyWebServerFactory.class, JakartaWebSocketContainer.class })
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		static class JettyWebSocketConfiguration {

			@Bean
			@ConditionalOnMissingBean
			JettyWebSocketSessions jettyWebSocketSessions() {
				return new JettyWebSocketSessions();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(WebFilter.class)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class ReactiveEventStreamConfiguration {

			@Bean
			@ConditionalOnMissingBean
			ReactiveEventStreamFilter clusterEventStreamFilter() {
				return new ReactiveEventStreamFilter();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(WebSocketHandlerAdapter.class)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class ReactiveWebSocketConfiguration {

			@Bean
			@ConditionalOnMissingBean
			static ReactiveWebSocketSessions reactiveWebSocketSessions() {
				return new ReactiveWebSocketSessions();
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebServerInitializedEvent.class)
	static class PortSharingCheckConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PortSharingCheckCustomizer portSharingCheckCustomizer(Environment environment) {
			return portSharingCheck(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebServerInitializedEvent.class)
	@ConditionalOnBean(WorkerRuntime.class)
	static class WebServerConfiguration {

		@Bean
		ApplicationListener<WebServerInitializedEvent> clusterWebServerListener(WorkerRuntime runtime,
				Environment environment) {
			return (event) -> {
				String namespace = event.getApplicationContext().getServerNamespace();
				if (namespace == null) {
					runtime.webServerStarted(environment.getProperty("server.address"), event.getWebServer().getPort());
				}
				else if (namespace.equals("management")) {
					runtime.managementServerStarted(event.getWebServer().getPort());
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Filter.class)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnBean(WorkerRuntime.class)
	static class ServletConfiguration {

		@Bean
		RequestCountingFilter clusterRequestCountingFilter(WorkerRuntime runtime) {
			return new RequestCountingFilter(runtime);
		}

	}

	private static @Nullable WebServer webServer(ApplicationContext context) {
		return (context instanceof WebServerApplicationContext web) ? web.getWebServer() : null;
	}

}
