package io.clusterboot.internal.master;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ClassPathBeanDefinitionScanner;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.internal.classdata.ClassDataArchives;
import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.launch.ChildProcesses;
import io.clusterboot.internal.launch.ClassDataSource;
import io.clusterboot.internal.launch.JavaCommandLine;
import io.clusterboot.internal.launch.WorkerCommandFactory;
import io.clusterboot.internal.worker.WorkerEnvironment;
import io.clusterboot.master.ClusterMaster;
import io.clusterboot.message.MasterMessenger;
import io.clusterboot.server.PortGuard;
import io.clusterboot.server.PortSharing;
import io.clusterboot.server.ProxyModeSupport;
import io.clusterboot.server.SharedPortServers;
import io.clusterboot.supervisor.ClusterSupervisor;

/**
 * Turns the process into the cluster's master: checks the port, opens the IPC socket,
 * forks the workers, then starts the master's own small application context (the
 * supervisor, the messenger and the application's {@link ClusterMaster @ClusterMaster}
 * beans) while they boot, and supervises them until the cluster stops.
 *
 * @since 0.1.0
 */
public final class MasterBootstrap {

	private static final Log logger = LogFactory.getLog(MasterBootstrap.class);

	private final SpringApplication application;

	private final ConfigurableEnvironment environment;

	private final MasterSettings settings;

	private final Consumer<ConfigurableListableBeanFactory> beans;

	private boolean proxyHeader;

	private MasterBootstrap(SpringApplication application, ConfigurableEnvironment environment,
			MasterSettings settings, Consumer<ConfigurableListableBeanFactory> beans) {
		this.application = application;
		this.environment = environment;
		this.settings = settings;
		this.beans = beans;
	}

	/**
	 * Run the master until the cluster stops.
	 * @param application the application being started
	 * @param environment its prepared environment
	 * @param settings how the master runs
	 * @param beans registers beans of the master's context for its
	 * {@link ClusterMaster @ClusterMaster} beans to use
	 * @return the exit code for the process
	 * @throws PortGuard.PortInUseException if another program holds the port
	 * @throws SharedPortServers.PortSharingException if the application's web server
	 * cannot share its port between workers
	 * @throws IOException if the port or the IPC socket cannot be set up
	 */
	public static int run(SpringApplication application, ConfigurableEnvironment environment, MasterSettings settings,
			Consumer<ConfigurableListableBeanFactory> beans) throws IOException {
		return new MasterBootstrap(application, environment, settings, beans).run();
	}

	private int run() throws IOException {
		if (System.getProperty("os.name", "").startsWith("Windows")) {
			throw new IllegalStateException("Cluster mode does not run on Windows: Java can end another process "
					+ "there only by killing it, so the master could not let a worker drain and stop gracefully. Set "
					+ "cluster.workers=0 to run a single process, or run the cluster in WSL or a Linux container");
		}
		WebApplicationType type = webApplicationType();
		int port = (type != WebApplicationType.NONE) ? this.environment.getProperty("server.port", Integer.class, 8080)
				: -1;
		ProxyRouter router = null;
		int managementPort;
		if (port >= 0 && portSharing(type, port) == PortSharing.PROXY) {
			router = openProxy(type, port);
			port = router.port();
			managementPort = router.managementPort();
		}
		else if (port >= 0) {
			port = sharedPort("server", port);
			managementPort = resolveManagementPort(port);
		}
		else {
			managementPort = -1;
		}
		Path directory = null;
		Path pidFile = null;
		try {
			directory = createIpcDirectory();
			pidFile = writePidFile();
			return supervise(port, managementPort, directory, router, pidFile);
		}
		finally {
			if (router != null) {
				router.close();
			}
			if (directory != null) {
				IpcDirectories.delete(directory);
			}
			if (pidFile != null) {
				deleteOwnPidFile(pidFile);
			}
		}
	}

	/**
	 * Decide how the workers share the port, and say why where it matters.
	 */
	private PortSharing portSharing(WebApplicationType type, int port) throws IOException {
		PortSharingResolver.Resolution resolution = PortSharingResolver.forThisPlatform()
			.resolve(this.settings.portSharing(), () -> {
				List<String> servers = SharedPortServers.check(type, this.application.getClassLoader(), port);
				logger.debug("Web servers whose port the workers can share: " + servers);
				return servers;
			});
		if (resolution.info() != null) {
			logger.info(resolution.info());
		}
		if (resolution.warning() != null) {
			logger.warn(resolution.warning());
		}
		return resolution.mode();
	}

	private ProxyRouter openProxy(WebApplicationType type, int port) throws IOException {
		Integer managementPort = this.environment.getProperty("management.server.port", Integer.class);
		boolean separateManagement = managementPort != null && managementPort >= 0 && managementPort != port;
		boolean proxyHeader = ProxyModeSupport.canReadProxyProtocol(type, this.application.getClassLoader());
		if (!proxyHeader) {
			logger.warn("The workers' web server cannot read the PROXY protocol header through which the master "
					+ "tells them the client's address, so every request will appear to come from the master "
					+ "(127.0.0.1). For Reactor Netty, add io.netty:netty-codec-haproxy to the application's "
					+ "dependencies");
		}
		ProxyRouter router = ProxyRouter.open(address("server"), port, address("management.server"),
				separateManagement ? managementPort : -1, proxyHeader);
		if (port == 0) {
			logger.info("server.port is 0: the master listens on port " + router.port());
		}
		if (separateManagement && managementPort == 0) {
			logger.info("management.server.port is 0: the master listens on port " + router.managementPort());
		}
		this.proxyHeader = proxyHeader;
		return router;
	}

	private @Nullable InetAddress address(String prefix) throws IOException {
		String value = this.environment.getProperty(prefix + ".address");
		return (value != null && !value.isBlank()) ? InetAddress.getByName(value) : null;
	}

	/**
	 * Delete the pid file unless another master has written its own pid there since.
	 */
	private static void deleteOwnPidFile(Path pidFile) throws IOException {
		try {
			if (Files.readString(pidFile).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
				Files.delete(pidFile);
			}
		}
		catch (NoSuchFileException ex) {
			// Already gone
		}
	}

	private @Nullable Path writePidFile() throws IOException {
		if (this.settings.pidFile() == null) {
			return null;
		}
		Path pidFile = this.settings.pidFile().toAbsolutePath();
		Path parent = pidFile.getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Path temporary = Files.createTempFile((parent != null) ? parent : Path.of("."), ".cluster", ".pid");
		try {
			Files.writeString(temporary, ProcessHandle.current().pid() + "\n");
			Files.move(temporary, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
		return pidFile;
	}

	private int supervise(int port, int managementPort, Path directory, @Nullable ProxyRouter router,
			@Nullable Path pidFile) throws IOException {
		FrameCodec codec = new FrameCodec(CompletableFuture.supplyAsync(FrameCodec::newMapper,
				(task) -> new Thread(task, "cluster-codec").start()), this.settings.maxFrameSize());
		JavaCommandLine commandLine = JavaCommandLine.current();
		WorkerCommandFactory commands = new WorkerCommandFactory(commandLine,
				ManagementFactory.getRuntimeMXBean().getInputArguments(), this.settings.workerJvmArgs(),
				this.settings.exitOnOutOfMemoryError(), this.settings.heapShare());
		ClassDataSource classData = ClassDataArchives.create(this.settings.classData(),
				this.settings.classDataDirectory(), commandLine, commands);
		Path socket = directory.resolve(IpcDirectories.SOCKET);
		Map<String, String> workerEnvironment = new HashMap<>();
		workerEnvironment.put(WorkerEnvironment.MASTER_SOCKET, socket.toString());
		workerEnvironment.put(WorkerEnvironment.MASTER_PID, Long.toString(ProcessHandle.current().pid()));
		if (router != null) {
			workerEnvironment.put(WorkerEnvironment.PORT_SHARING, "proxy");
			workerEnvironment.put(WorkerEnvironment.PROXY_PROTOCOL, Boolean.toString(this.proxyHeader));
		}
		else {
			if (port > 0) {
				workerEnvironment.put(WorkerEnvironment.MASTER_PORT, Integer.toString(port));
			}
			if (managementPort > 0) {
				workerEnvironment.put(WorkerEnvironment.MASTER_MANAGEMENT_PORT, Integer.toString(managementPort));
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Worker command: " + String.join(" ", commands.command(1, 1)));
		}
		String debugger = commands.debuggerNotice();
		if (debugger != null) {
			logger.info(debugger);
		}
		String agents = commands.agentNotice();
		if (agents != null) {
			logger.info(agents);
		}
		ChildProcesses processes = new ChildProcesses(commands, workerEnvironment,
				new File(System.getProperty("user.dir")), classData);
		MasterContext context = new MasterContext();
		ClusterEventPublisher events = new ClusterEventPublisher(context, this.application, codec::mapper);
		ClusterSupervisor supervisor = new ClusterSupervisor(this.settings.supervisor(), processes, events, codec, port,
				commands.exitsOnOutOfMemoryError(), router);
		ControlChannel channel = new ControlChannel(supervisor.channel(), supervisor, pidFile,
				this.settings.supervisor().shutdownTimeout(), this.settings.supervisor().bootTimeout());
		try (channel; IpcServer server = IpcServer.start(socket, codec, channel, this.settings.handshakeTimeout());
				OrphanReaper reaper = OrphanReaper.startIfPidOne()) {
			installSignalHandlers(supervisor, pidFile);
			warnAboutWorkerLocalState(webApplicationType());
			Thread hook = new Thread(() -> stopOnShutdown(supervisor), "cluster-master-shutdown");
			Runtime.getRuntime().addShutdownHook(hook);
			int exitCode = supervisor.run(() -> context.start(() -> createContext(supervisor, codec, directory),
					(ex) -> supervisor.stop(1, "the master's application context failed to start: " + ex)));
			removeShutdownHook(hook);
			context.rethrowFailure();
			return exitCode;
		}
		finally {
			// The events of a short-lived cluster may still wait for the context: they are
			// delivered before it closes
			context.await();
			events.close();
			context.close();
		}
	}

	/**
	 * What the master does once its first workers are forked: clean up after masters that
	 * were killed, and build its own context.
	 */
	private ConfigurableApplicationContext createContext(ClusterSupervisor supervisor, FrameCodec codec,
			Path directory) {
		IpcDirectories.cleanUp(IpcDirectories.base(), directory);
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.setEnvironment(this.environment);
		context.setClassLoader(this.application.getClassLoader());
		context.setId("cluster-master");
		scanMasterBeans(context);
		this.beans.accept(context.getBeanFactory());
		context.getBeanFactory().registerSingleton("clusterSupervisor", supervisor);
		context.getBeanFactory().registerSingleton("clusterMessenger", new MasterMessenger(supervisor, codec.mapper()));
		ConfigurationPropertiesBindingPostProcessor.register(context);
		context.refresh();
		return context;
	}

	private void warnAboutWorkerLocalState(WebApplicationType type) {
		if (this.settings.warnWorkerLocalState()) {
			String warning = WorkerLocalState.of(this.environment, this.application.getClassLoader(), type).warning();
			if (warning != null) {
				logger.warn(warning);
			}
		}
	}

	/**
	 * The kind of application the workers will run: {@code spring.main.web-application-type}
	 * if set (Spring Boot binds it to the application only after this point), else what
	 * Spring Boot deduced from the class path.
	 */
	private WebApplicationType webApplicationType() {
		return Binder.get(this.environment)
			.bind("spring.main.web-application-type", WebApplicationType.class)
			.orElseGet(this.application::getWebApplicationType);
	}

	/**
	 * The separate management port, if the application has one.
	 * @param port the application port
	 * @return the management port, or -1 if management shares the application port
	 */
	private int resolveManagementPort(int port) throws IOException {
		Integer managementPort = this.environment.getProperty("management.server.port", Integer.class);
		if (port < 0 || managementPort == null || managementPort < 0 || managementPort == port) {
			return -1;
		}
		return sharedPort("management.server", managementPort);
	}

	private int sharedPort(String prefix, int port) throws IOException {
		InetAddress address = address(prefix);
		if (port == 0) {
			int chosen = PortGuard.pickFreePort(address);
			logger.info(prefix + ".port is 0: all workers will share port " + chosen);
			return chosen;
		}
		if (!PortGuard.check(address, port)) {
			logger.warn("Port " + port + " is already shared by SO_REUSEPORT listeners of this user (another "
					+ "cluster?); this cluster's workers will share its connections with them");
		}
		return port;
	}

	private void scanMasterBeans(AnnotationConfigApplicationContext context) {
		Set<String> packages = new LinkedHashSet<>();
		Class<?> mainClass = this.application.getMainApplicationClass();
		if (mainClass != null) {
			packages.add(mainClass.getPackageName());
		}
		for (Object source : this.application.getAllSources()) {
			if (source instanceof Class<?> sourceClass) {
				packages.add(sourceClass.getPackageName());
			}
		}
		ClassPathBeanDefinitionScanner scanner = new ClassPathBeanDefinitionScanner(context, false,
				this.environment);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ClusterMaster.class));
		int found = scanner.scan(packages.toArray(String[]::new));
		logger.debug("Found " + found + " @ClusterMaster beans in " + packages);
	}

	private static void installSignalHandlers(ClusterSupervisor supervisor, @Nullable Path pidFile) {
		for (String name : new String[] { "TERM", "INT" }) {
			handle(name, () -> supervisor.stop(0, "SIG" + name));
		}
		boolean hangUp = handle("HUP", () -> supervisor.rollingRestart().whenComplete((status, ex) -> {
			if (ex != null) {
				Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
				logger.warn("SIGHUP ignored: " + cause.getMessage());
			}
		}));
		if (!hangUp) {
			logger.warn("SIGHUP was ignored when this process started (nohup does that), and the JVM cannot take it "
					+ "back: 'kill -HUP' will not roll the workers. Roll them with 'java -jar app.jar "
					+ "--cluster.control=reload --cluster.pid-file=" + ((pidFile != null) ? pidFile : "<file>") + "'"
					+ ((pidFile != null) ? ""
							: " (start the master with --cluster.pid-file=<file> for that: the command finds it "
									+ "through its pid file)")
					+ ", POST /actuator/cluster/restart or ClusterSupervisor.rollingRestart(), or start the master "
					+ "without nohup (setsid, systemd and containers keep SIGHUP)");
		}
	}

	/**
	 * Handle a signal.
	 * @return {@code false} if the signal was ignored when the process started, in which
	 * case the JVM installs no handler and the signal goes on being ignored
	 */
	private static boolean handle(String name, Runnable action) {
		try {
			SignalHandler previous = Signal.handle(new Signal(name), (signal) -> action.run());
			if (previous == SignalHandler.SIG_IGN) {
				logger.debug("SIG" + name + " was ignored when this process started, so it stays ignored");
				return false;
			}
		}
		catch (IllegalArgumentException | UnsupportedOperationException ex) {
			logger.debug("Cannot handle SIG" + name, ex);
		}
		return true;
	}

	private void stopOnShutdown(ClusterSupervisor supervisor) {
		if (supervisor.isStopped()) {
			return;
		}
		supervisor.stop(0, "JVM shutdown");
		try {
			supervisor.awaitStopped(this.settings.supervisor().shutdownTimeout().plusSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void removeShutdownHook(Thread hook) {
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException ex) {
			// Already shutting down
		}
	}

	private static Path createIpcDirectory() throws IOException {
		return IpcDirectories.create(IpcDirectories.base(), ProcessHandle.current().pid());
	}

}
