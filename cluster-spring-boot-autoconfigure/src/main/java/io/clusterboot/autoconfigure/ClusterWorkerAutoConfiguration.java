package io.clusterboot.autoconfigure;

import jakarta.servlet.Filter;

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
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.clusterboot.internal.worker.RequestCountingFilter;
import io.clusterboot.internal.worker.WorkerRuntime;
import io.clusterboot.message.ClusterMessenger;
import io.clusterboot.message.WorkerMessenger;
import io.clusterboot.server.PortSharingCheckCustomizer;
import io.clusterboot.server.jetty.JettyReusePortCustomizer;
import io.clusterboot.server.netty.NettyReusePortCustomizer;
import io.clusterboot.server.tomcat.TomcatDrainLifecycle;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

/**
 * Auto-configuration of a cluster worker: its web server (Tomcat, Jetty or Reactor Netty)
 * shares the port with {@code SO_REUSEPORT} and, on Tomcat, drains off it when the worker
 * stops, it reports where it
 * listens and how many requests it served, and it gets a {@link ClusterMessenger}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnProperty("cluster.worker.id")
public final class ClusterWorkerAutoConfiguration {

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
		TomcatReusePortCustomizer tomcatReusePortCustomizer() {
			return new TomcatReusePortCustomizer();
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "cluster.worker.drain.enabled", matchIfMissing = true)
		TomcatDrainLifecycle tomcatDrainLifecycle(ApplicationContext context, ClusterProperties properties) {
			ClusterProperties.Worker.Drain drain = properties.getWorker().getDrain();
			return new TomcatDrainLifecycle(
					() -> (context instanceof WebServerApplicationContext web) ? web.getWebServer() : null,
					drain.getTimeout(), drain.getIdleTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JettyWebServerFactory.class)
	static class JettyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JettyReusePortCustomizer jettyReusePortCustomizer() {
			return new JettyReusePortCustomizer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(NettyReactiveWebServerFactory.class)
	static class ReactorNettyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		NettyReusePortCustomizer nettyReusePortCustomizer() {
			return new NettyReusePortCustomizer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebServerInitializedEvent.class)
	static class PortSharingCheckConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PortSharingCheckCustomizer portSharingCheckCustomizer() {
			return new PortSharingCheckCustomizer();
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

}
