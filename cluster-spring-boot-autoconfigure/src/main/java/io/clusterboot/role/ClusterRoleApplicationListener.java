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
import org.springframework.core.env.PropertyResolver;

import io.clusterboot.autoconfigure.ClusterProperties;
import io.clusterboot.autoconfigure.ClusterSettings;
import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.internal.control.ClusterControl;
import io.clusterboot.internal.master.MasterBootstrap;
import io.clusterboot.internal.worker.WorkerEnvironment;
import io.clusterboot.internal.worker.WorkerRuntime;
import io.clusterboot.server.PortSharing;

/**
 * Decides, as soon as the environment is complete and logging is initialised, what this
 * process is: a {@link ClusterRole#MASTER master} takes the process over and exits with
 * the cluster's exit code; a {@link ClusterRole#WORKER worker} connects to its master and
 * carries on starting the application; an operator's {@link ClusterRole#CONTROL command}
 * talks to a running master and exits; a {@link ClusterRole#STANDALONE standalone}
 * process is left alone.
 *
 * @since 0.1.0
 */
public class ClusterRoleApplicationListener implements GenericApplicationListener {

	/**
	 * Right after logging is initialised.
	 */
	public static final int ORDER = LoggingApplicationListener.DEFAULT_ORDER + 1;

	// How a worker's auto-configuration learns how it shares the port (reuseport or
	// proxy) and whether, in proxy mode, a PROXY protocol header precedes each
	// connection's bytes: set for every worker, ahead of the application's own properties
	private static final String PORT_SHARING_PROPERTY = "cluster.worker.port-sharing";

	private static final String PROXY_PROTOCOL_PROPERTY = "cluster.worker.proxy-protocol";

	private static final String LOOPBACK = "127.0.0.1";

	private static final int DEFAULT_SERVER_PORT = 8080;

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
		if (role == ClusterRole.CONTROL) {
			// An operator's command exits here: the application's context does not exist
			// yet, so no bean of the application is created, no banner printed, no web
			// server and no master started (the master takes the process over at this same
			// point). Spring Boot's own launcher modes (-Djarmode) are picked by its
			// launcher before the application's main method runs, where a starter cannot
			// hook in; this is the earliest point that has the command line, the
			// application's configuration files and profiles, so that the pid file and
			// frame size can come from them as they do for the master.
			ClusterProperties properties = ClusterSettings.bind(environment);
			System.exit(ClusterControl.run(environment.getProperty(ClusterRole.CONTROL_PROPERTY),
					properties.getPidFile(), ClusterSettings.maxFrameSize(properties), System.out, System.err));
		}
		else if (role == ClusterRole.WORKER) {
			prepareWorker(event.getSpringApplication(), environment);
		}
		else if (role == ClusterRole.TRAINING) {
			// A master would fork workers and never reach the point where the run stops:
			// Spring Boot ends it when the main application's context gets there
			logger.info(ClusterRole.CONTEXT_EXIT_PROPERTY + " is set ("
					+ environment.getProperty(ClusterRole.CONTEXT_EXIT_PROPERTY) + "): a training run, so this process "
					+ "runs the application itself, without workers, and exits where Spring Boot ends the run");
		}
		else if (role == ClusterRole.MASTER) {
			ClusterProperties properties = ClusterSettings.bind(environment);
			int exitCode;
			try {
				exitCode = MasterBootstrap.run(event.getSpringApplication(), environment,
						ClusterSettings.master(properties, environment),
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
		environment.getPropertySources()
			.addFirst(new MapPropertySource(WorkerRuntime.PROPERTY_SOURCE, workerProperties(worker, environment)));
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
	 * The properties a worker's environment gets from its master, ahead of the
	 * application's own: how it shares the port and where it binds. With
	 * {@code SO_REUSEPORT} it binds the port(s) the master chose; in proxy mode it binds
	 * its web server, and a separate management server if the application has one, to a
	 * port of the kernel's choosing on {@code 127.0.0.1}, which only the master connects
	 * to, and reports the port to the master once bound (an application that turned its
	 * HTTP server off with a negative {@code server.port} keeps it off).
	 * @param worker the worker's environment variables
	 * @param environment the application's environment, for its own ports
	 * @return the properties
	 */
	static Map<String, Object> workerProperties(WorkerEnvironment worker, PropertyResolver environment) {
		Map<String, Object> properties = new HashMap<>();
		// Here as well as in the environment variable, so that a spare's id can change
		// when it is promoted
		properties.put(WorkerRuntime.WORKER_ID_PROPERTY, worker.workerId());
		properties.put(PORT_SHARING_PROPERTY, worker.portSharing().value());
		properties.put(PROXY_PROTOCOL_PROPERTY, worker.proxyProtocol());
		if (worker.portSharing() == PortSharing.PROXY) {
			boolean separateManagementServer = hasSeparateManagementServer(environment);
			Integer serverPort = environment.getProperty("server.port", Integer.class);
			if (serverPort == null || serverPort >= 0) {
				properties.put("server.address", LOOPBACK);
				properties.put("server.port", 0);
			}
			if (separateManagementServer) {
				properties.put("management.server.address", LOOPBACK);
				properties.put("management.server.port", 0);
			}
			return properties;
		}
		if (worker.port() != null) {
			properties.put("server.port", worker.port());
		}
		if (worker.managementPort() != null) {
			properties.put("management.server.port", worker.managementPort());
		}
		return properties;
	}

	/**
	 * Whether Spring Boot will run a separate management server: as Boot decides,
	 * {@code management.server.port} set, not negative, and not the application's port
	 * (0 always being a port of its own).
	 */
	private static boolean hasSeparateManagementServer(PropertyResolver environment) {
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		if (managementPort == null || managementPort < 0) {
			return false;
		}
		Integer serverPort = environment.getProperty("server.port", Integer.class);
		if (serverPort == null) {
			return managementPort != DEFAULT_SERVER_PORT;
		}
		return managementPort == 0 || !managementPort.equals(serverPort);
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
