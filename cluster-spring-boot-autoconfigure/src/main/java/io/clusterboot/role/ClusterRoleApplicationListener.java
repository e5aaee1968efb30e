package io.clusterboot.role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.clusterboot.autoconfigure.ClusterProperties;
import io.clusterboot.autoconfigure.ClusterSettings;
import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.internal.master.MasterBootstrap;
import io.clusterboot.internal.worker.WorkerEnvironment;
import io.clusterboot.internal.worker.WorkerRuntime;

/**
 * Decides, as soon as the environment is complete and logging is initialised, what this
 * process is: a {@link ClusterRole#MASTER master} takes the process over and exits with
 * the cluster's exit code; a {@link ClusterRole#WORKER worker} connects to its master and
 * carries on starting the application; a {@link ClusterRole#STANDALONE standalone}
 * process is left alone.
 *
 * @since 0.1.0
 */
public class ClusterRoleApplicationListener implements GenericApplicationListener {

	/**
	 * Right after logging is initialised.
	 */
	public static final int ORDER = LoggingApplicationListener.DEFAULT_ORDER + 1;

	private static final Log logger = LogFactory.getLog(ClusterRoleApplicationListener.class);

	private static final Object lock = new Object();

	private static @Nullable WorkerRuntime runtime;

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.getRawClass();
		return type != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
				|| ApplicationPreparedEvent.class.isAssignableFrom(type)
				|| ApplicationFailedEvent.class.isAssignableFrom(type));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			onEnvironmentPrepared(prepared);
		}
		else if (event instanceof ApplicationFailedEvent failed) {
			WorkerRuntime worker;
			synchronized (lock) {
				worker = runtime;
			}
			if (worker != null) {
				worker.startFailed(failed.getException());
			}
		}
		else if (event instanceof ApplicationPreparedEvent prepared) {
			WorkerRuntime worker;
			synchronized (lock) {
				worker = runtime;
			}
			if (worker != null) {
				attach(worker, prepared.getApplicationContext());
			}
		}
	}

	private void onEnvironmentPrepared(ApplicationEnvironmentPreparedEvent event) {
		ConfigurableEnvironment environment = event.getEnvironment();
		ClusterRole role = ClusterRole.of(environment, event.getSpringApplication());
		if (role == ClusterRole.WORKER) {
			prepareWorker(event.getSpringApplication(), environment);
		}
		else if (role == ClusterRole.MASTER) {
			ClusterProperties properties = ClusterSettings.bind(environment);
			int exitCode;
			try {
				exitCode = MasterBootstrap.run(event.getSpringApplication(), environment,
						ClusterSettings.master(properties),
						(beans) -> beans.registerSingleton("clusterProperties", properties));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			System.exit(exitCode);
		}
	}

	private void prepareWorker(SpringApplication application, ConfigurableEnvironment environment) {
		WorkerEnvironment worker = WorkerEnvironment.from(System.getenv());
		if (worker == null) {
			return;
		}
		Map<String, Object> ports = new HashMap<>();
		if (worker.port() != null) {
			ports.put("server.port", worker.port());
		}
		if (worker.managementPort() != null) {
			ports.put("management.server.port", worker.managementPort());
		}
		if (!ports.isEmpty()) {
			environment.getPropertySources().addFirst(new MapPropertySource("clusterWorker", ports));
		}
		if (!worker.hasMaster()) {
			logger.debug("Worker " + worker.workerId() + " has no master; running without one");
			return;
		}
		synchronized (lock) {
			if (runtime != null) {
				return;
			}
			ClusterProperties properties = ClusterSettings.bind(environment);
			try {
				runtime = WorkerRuntime.connect(worker, ClusterSettings.maxFrameSize(properties),
						properties.getIpc().getHandshakeTimeout());
			}
			catch (IOException ex) {
				throw new IllegalStateException("Worker " + worker.workerId() + " cannot reach its master (pid "
						+ worker.masterPid() + ") at " + worker.socket() + ": " + ex.getMessage()
						+ ". The master has probably exited; a worker cannot run without it", ex);
			}
		}
		// A worker lives until its master stops it, as a Node worker's open channel keeps
		// its process alive: without a web server (a message consumer, a scheduler) nothing
		// else may hold the JVM up once main returns. spring.main.keep-alive=false, bound
		// after this, still lets a worker that has finished its work exit.
		application.setKeepAlive(true);
	}

	/**
	 * Make a worker's runtime part of an application context: every context the worker's
	 * application prepares, so that after a devtools restart the new context has the
	 * worker's beans and receives its messages.
	 */
	private static void attach(WorkerRuntime worker, ConfigurableApplicationContext context) {
		ClusterEventPublisher events = new ClusterEventPublisher(context, worker, worker.getMapper());
		worker.attach(context, events::received);
		context.addApplicationListener((ApplicationEvent closing) -> {
			if (closing instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
				events.close();
			}
		});
	}

}
