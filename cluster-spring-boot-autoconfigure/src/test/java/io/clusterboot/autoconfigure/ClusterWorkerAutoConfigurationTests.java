package io.clusterboot.autoconfigure;

import java.io.IOException;

import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.clusterboot.internal.worker.RequestCountingFilter;
import io.clusterboot.internal.worker.WorkerRuntime;
import io.clusterboot.message.ClusterMessenger;
import io.clusterboot.message.LocalMessenger;
import io.clusterboot.message.WorkerMessenger;
import io.clusterboot.server.tomcat.ReusePortHttp11NioProtocol;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

/**
 * Tests for {@link ClusterWorkerAutoConfiguration}. A worker is a servlet web
 * application here unless a test says otherwise; its {@link WorkerRuntime} (the
 * connection to a master) is a mock.
 */
class ClusterWorkerAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class));

	@Test
	void backsOffWithoutWorkerId() {
		this.contextRunner.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterWorkerAutoConfiguration.class)
				.doesNotHaveBean(TomcatReusePortCustomizer.class)
				.doesNotHaveBean(ClusterMessenger.class)
				.doesNotHaveBean(RequestCountingFilter.class)
				.doesNotHaveBean("clusterWebServerListener"));
	}

	@Test
	void tomcatSharesItsPortInAWorker() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).hasSingleBean(TomcatReusePortCustomizer.class));
	}

	@Test
	void tomcatReusePortCustomizerSetsTheReusePortProtocol() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1").run((context) -> {
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			context.getBean(TomcatReusePortCustomizer.class).customize(factory);
			assertThat(factory.getProtocol()).isEqualTo(ReusePortHttp11NioProtocol.class.getName());
		});
	}

	@Test
	void tomcatReusePortCustomizerBacksOffForAUserBean() {
		TomcatReusePortCustomizer userCustomizer = new TomcatReusePortCustomizer();
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withBean(TomcatReusePortCustomizer.class, () -> userCustomizer)
			.run((context) -> assertThat(context).getBean(TomcatReusePortCustomizer.class).isSameAs(userCustomizer));
	}

	@Test
	void tomcatReusePortCustomizerAbsentWithoutTomcat() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withClassLoader(new FilteredClassLoader(TomcatWebServerFactory.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TomcatReusePortCustomizer.class));
	}

	@Test
	void workerMessengerIsTheClusterMessengerOfAConnectedWorker() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.run((context) -> assertThat(context).getBean(ClusterMessenger.class).isInstanceOf(WorkerMessenger.class));
	}

	@Test
	void workerWithoutAMasterMessagesItselfLikeASingleProcess() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).getBean(ClusterMessenger.class).isInstanceOf(LocalMessenger.class));
	}

	@Test
	void workerMessengerBacksOffForAUserClusterMessenger() {
		ClusterMessenger userMessenger = mock(ClusterMessenger.class);
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.withBean(ClusterMessenger.class, () -> userMessenger)
			.run((context) -> assertThat(context).getBean(ClusterMessenger.class).isSameAs(userMessenger));
	}

	@Test
	void requestCountingFilterCountsIntoTheWorkerRuntime() {
		WorkerRuntime runtime = mock(WorkerRuntime.class);
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withBean(WorkerRuntime.class, () -> runtime)
			.run((context) -> {
				assertThat(context).hasSingleBean(RequestCountingFilter.class);
				serve(context.getBean(RequestCountingFilter.class));
				serve(context.getBean(RequestCountingFilter.class));
				then(runtime).should(times(2)).requestStarted();
				then(runtime).should(times(2)).requestCompleted();
			});
	}

	@Test
	void requestCountingFilterAbsentWithoutWorkerRuntime() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestCountingFilter.class));
	}

	@Test
	void requestCountingFilterAbsentOutsideAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class))
			.withPropertyValues("cluster.worker.id=1")
			.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.run((context) -> assertThat(context).hasSingleBean(ClusterMessenger.class)
				.doesNotHaveBean(RequestCountingFilter.class));
	}

	@Test
	void webServerListenerReportsTheAddressAndPortToTheWorkerRuntime() {
		WorkerRuntime runtime = mock(WorkerRuntime.class);
		this.contextRunner.withPropertyValues("cluster.worker.id=1", "server.address=127.0.0.1")
			.withBean(WorkerRuntime.class, () -> runtime)
			.run((context) -> {
				webServerListener(context).onApplicationEvent(webServerInitialized(8123, null));
				then(runtime).should().webServerStarted("127.0.0.1", 8123);
			});
	}

	@Test
	void webServerListenerIgnoresTheManagementServer() {
		WorkerRuntime runtime = mock(WorkerRuntime.class);
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withBean(WorkerRuntime.class, () -> runtime)
			.run((context) -> {
				webServerListener(context).onApplicationEvent(webServerInitialized(8081, "management"));
				then(runtime).should(never()).webServerStarted(any(), anyInt());
			});
	}

	@Test
	void webServerListenerAbsentWithoutWorkerRuntime() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).doesNotHaveBean("clusterWebServerListener"));
	}

	private static void serve(RequestCountingFilter filter) throws IOException, ServletException {
		filter.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(), new MockFilterChain());
	}

	@SuppressWarnings("unchecked")
	private static ApplicationListener<WebServerInitializedEvent> webServerListener(
			ApplicationContext context) {
		return context.getBean("clusterWebServerListener", ApplicationListener.class);
	}

	private static WebServerInitializedEvent webServerInitialized(int port, String serverNamespace) {
		WebServer webServer = mock(WebServer.class);
		given(webServer.getPort()).willReturn(port);
		WebServerApplicationContext context = mock(WebServerApplicationContext.class);
		given(context.getServerNamespace()).willReturn(serverNamespace);
		return new WebServerInitializedEvent(webServer) {

			@Override
			public WebServerApplicationContext getApplicationContext() {
				return context;
			}

		};
	}

}
