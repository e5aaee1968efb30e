package io.clusterboot.internal.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Builds the command and environment of a worker from the master's own command line:
 * same java, JVM options, class path or jar, main class, arguments and working directory,
 * minus what must not be duplicated (debug agent and JMX ports, archive and AOT output,
 * JFR and log file names), plus the worker's own options.
 *
 * @since 0.1.0
 */
public final class WorkerCommandFactory {

	/**
	 * Share of the memory limit that all workers' heaps together may take when the user
	 * did not size the heap. The rest is left to each JVM's non-heap memory and to the
	 * master.
	 */
	static final double WORKERS_HEAP_PERCENTAGE = 50.0;

	/**
	 * The JVM's own default for {@code MaxRAMPercentage}, which a worker never exceeds.
	 */
	static final double DEFAULT_HEAP_PERCENTAGE = 25.0;

	private static final Pattern XX_FLAG = Pattern.compile("-XX:[+-]?([^=]+)");

	private static final Pattern JDWP = Pattern.compile("^(-agentlib:jdwp=|-Xrunjdwp:)(.*)$");

	private static final Pattern JMX_PORT = Pattern
		.compile("^(-Dcom\\.sun\\.management\\.jmxremote(?:\\.rmi)?\\.port=)(\\d+)$");

	private static final Pattern FILE_OPTION = Pattern.compile("^(-XX:StartFlightRecording[:=].*?filename=|"
			+ "-Xlog:[^:]*:(?:file=)?(?!stdout|stderr)|-Xloggc:|-XX:HeapDumpPath=)([^,:]+)(.*)$");

	private static final List<String> OUTPUT_ONLY_OPTIONS = List.of("-XX:ArchiveClassesAtExit=",
			"-XX:DumpLoadedClassList=", "-XX:AOTCacheOutput=", "-XX:AOTMode=record", "-XX:AOTMode=create",
			"-Xshare:dump");

	private static final List<String> HEAP_LIMIT_OPTIONS = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAMPercentage=",
			"-XX:MaxRAMFraction=", "-XX:MaxRAM=");

	private static final Set<String> OUT_OF_MEMORY_BEHAVIOURS = Set.of("ExitOnOutOfMemoryError",
			"CrashOnOutOfMemoryError", "OnOutOfMemoryError");

	private static final List<String> ENVIRONMENT_OPTIONS = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
			"_JAVA_OPTIONS");

	private final JavaCommandLine master;

	private final List<String> effectiveMasterOptions;

	private final List<String> workerJvmArgs;

	private final boolean addExitOnOutOfMemoryError;

	private final boolean addHeapShare;

	/**
	 * Create a factory.
	 * @param master the master's command line
	 * @param effectiveMasterOptions every JVM option in effect in the master, including
	 * those from argument files and environment variables (the JVM's input arguments)
	 * @param workerJvmArgs extra options for every worker
	 * @param exitOnOutOfMemoryError whether to add {@code -XX:+ExitOnOutOfMemoryError}
	 * unless the user chose otherwise
	 * @param heapShare whether to give each worker a fair share of memory when no heap
	 * size is set
	 */
	public WorkerCommandFactory(JavaCommandLine master, Collection<String> effectiveMasterOptions,
			List<String> workerJvmArgs, boolean exitOnOutOfMemoryError, boolean heapShare) {
		this.master = master;
		this.effectiveMasterOptions = List.copyOf(effectiveMasterOptions);
		this.workerJvmArgs = List.copyOf(workerJvmArgs);
		this.addExitOnOutOfMemoryError = exitOnOutOfMemoryError && !isOutOfMemoryBehaviourChosen();
		this.addHeapShare = heapShare && !isHeapSized();
	}

	/**
	 * The command that starts worker {@code workerId} of {@code workerCount}.
	 * @param workerId the worker's slot id, from 1
	 * @param workerCount how many workers the cluster runs
	 * @return the command, executable first
	 */
	public List<String> command(int workerId, int workerCount) {
		return command(workerId, workerCount, ClassDataLaunch.NONE);
	}

	/**
	 * The command that starts worker {@code workerId} of {@code workerCount} with class
	 * data: its launch target in place of the master's, its options after all others.
	 * @param workerId the worker's slot id, from 1
	 * @param workerCount how many workers the cluster runs
	 * @param classData how this launch uses class data
	 * @return the command, executable first
	 */
	public List<String> command(int workerId, int workerCount, ClassDataLaunch classData) {
		List<String> masterOptions = new ArrayList<>();
		for (String option : this.master.getJvmOptions()) {
			if (isReplacedByWorkerJvmArgs(option)) {
				continue;
			}
			String rewritten = rewrite(option, workerId);
			if (rewritten != null) {
				masterOptions.add(rewritten);
			}
		}
		List<String> workerOptions = new ArrayList<>();
		if (this.addExitOnOutOfMemoryError) {
			workerOptions.add("-XX:+ExitOnOutOfMemoryError");
		}
		if (this.addHeapShare) {
			workerOptions.add("-XX:MaxRAMPercentage=" + heapPercentage(workerCount));
		}
		workerOptions.addAll(this.workerJvmArgs);
		workerOptions.addAll(classData.jvmOptions());
		List<String> command = new ArrayList<>();
		command.add(this.master.getExecutable());
		if (this.master.getTarget().isEmpty()) {
			// The target is inside an argument file: anything after it would go to the
			// application, so the worker's options come first
			command.addAll(workerOptions);
			command.addAll(masterOptions);
		}
		else {
			command.addAll(masterOptions);
			command.addAll(workerOptions);
			command.addAll(classData.target().isEmpty() ? this.master.getTarget() : classData.target());
		}
		command.addAll(this.master.getArguments());
		return command;
	}

	/**
	 * Environment variables to change for worker {@code workerId}: the JVM option
	 * variables rewritten like the command line's options.
	 * @param environment the master's environment
	 * @param workerId the worker's slot id
	 * @return variables to set (an empty value removes the variable)
	 */
	public Map<String, String> environmentOverrides(Map<String, String> environment, int workerId) {
		Map<String, String> overrides = new HashMap<>();
		for (String name : ENVIRONMENT_OPTIONS) {
			String value = environment.get(name);
			if (value == null) {
				continue;
			}
			List<String> options = List.of(value.trim().split("\\s+"));
			List<String> rewritten = new ArrayList<>();
			for (String option : options) {
				if (isReplacedByWorkerJvmArgs(option)) {
					continue;
				}
				String worker = rewrite(option, workerId);
				if (worker != null) {
					rewritten.add(worker);
				}
			}
			if (!rewritten.equals(options)) {
				overrides.put(name, String.join(" ", rewritten));
			}
		}
		return overrides;
	}

	/**
	 * Whether workers exit when they run out of memory, so that an exit with code 3 means
	 * out of memory.
	 * @return {@code true} if {@code -XX:+ExitOnOutOfMemoryError} is in effect
	 */
	public boolean exitsOnOutOfMemoryError() {
		String exit = lastFlag("ExitOnOutOfMemoryError"::equals);
		if (exit != null) {
			return exit.startsWith("-XX:+");
		}
		return this.addExitOnOutOfMemoryError;
	}

	/**
	 * The option by which the user chose the workers' class data themselves, anywhere
	 * (command line, argument files, environment, {@code cluster.worker.jvm-args}): an
	 * archive or AOT cache to use, or sharing turned off.
	 * @return the last such option, or {@code null} if the user chose none
	 */
	public @Nullable String userClassDataOption() {
		String chosen = null;
		for (String option : allOptions()) {
			if (option.startsWith("-XX:SharedArchiveFile=") || option.startsWith("-XX:AOTCache=")
					|| option.equals("-Xshare:off") || option.equals("-XX:AOTMode=off")
					|| option.equals("-XX:-UseSharedSpaces")) {
				chosen = option;
			}
		}
		return chosen;
	}

	/**
	 * The JVM options every worker runs with, as they are for worker 1 of 1.
	 * @return the options, from the command line and {@code cluster.worker.jvm-args}
	 */
	public List<String> workerJvmOptions() {
		List<String> command = command(1, 1);
		List<String> target = this.master.getTarget();
		int end = target.isEmpty() ? command.size() : command.size() - target.size() - this.master.getArguments().size();
		return command.subList(1, end);
	}

	/**
	 * Whether the user decided what a worker does when it runs out of memory: exit, crash
	 * or run a command. Dumping the heap is not such a decision; it goes well with exiting.
	 */
	private boolean isOutOfMemoryBehaviourChosen() {
		return lastFlag(OUT_OF_MEMORY_BEHAVIOURS::contains) != null;
	}

	static String heapPercentage(int workerCount) {
		double share = Math.min(DEFAULT_HEAP_PERCENTAGE, WORKERS_HEAP_PERCENTAGE / Math.max(1, workerCount));
		return String.format(Locale.ROOT, "%.1f", share);
	}

	private boolean isHeapSized() {
		for (String prefix : HEAP_LIMIT_OPTIONS) {
			if (anyOption((option) -> option.startsWith(prefix))) {
				return true;
			}
		}
		return false;
	}

	private @Nullable String lastFlag(Predicate<String> name) {
		String last = null;
		for (String option : allOptions()) {
			Matcher flag = XX_FLAG.matcher(option);
			if (flag.lookingAt() && name.test(flag.group(1))) {
				last = option;
			}
		}
		return last;
	}

	private boolean anyOption(Predicate<String> predicate) {
		return allOptions().stream().anyMatch(predicate);
	}

	private List<String> allOptions() {
		List<String> all = new ArrayList<>(this.effectiveMasterOptions);
		all.addAll(this.master.getJvmOptions());
		all.addAll(this.workerJvmArgs);
		return all;
	}

	/**
	 * Rewrite one of the master's options for a worker.
	 * @param option the option
	 * @param workerId the worker's slot id
	 * @return the worker's option, or {@code null} to leave it out
	 */
	static @Nullable String rewrite(String option, int workerId) {
		for (String prefix : OUTPUT_ONLY_OPTIONS) {
			if (option.startsWith(prefix)) {
				return null;
			}
		}
		if (option.startsWith("-XX:AOTConfiguration=") || option.equals("-XX:+AutoCreateSharedArchive")) {
			return null;
		}
		Matcher jdwp = JDWP.matcher(option);
		if (jdwp.matches()) {
			return jdwp.group(1) + rewriteJdwp(jdwp.group(2), workerId);
		}
		if (JavaAgents.agent(option) != null) {
			return JavaAgents.rewrite(option, workerId, WorkerCommandFactory::perWorkerFile);
		}
		Matcher jmx = JMX_PORT.matcher(option);
		if (jmx.matches()) {
			return jmx.group(1) + offsetPort(jmx.group(2), workerId);
		}
		Matcher file = FILE_OPTION.matcher(option);
		if (file.matches()) {
			return file.group(1) + perWorkerFile(file.group(2), workerId) + file.group(3);
		}
		return option;
	}

	/**
	 * Rewrite the settings of the JDWP agent so that every worker comes up debuggable and
	 * never waits for a debugger. It never suspends (JDWP's default is
	 * {@code suspend=y}). It always listens ({@code server=y}): where the master connects
	 * to a debugger that listens ({@code server=n}, JDWP's default and what IDEs launch
	 * with), the workers cannot all connect to it too, so each listens on a free loopback
	 * port instead. A port {@code P} to listen on becomes {@code P + worker id}. It never
	 * runs {@code quiet}, so that its JVM prints the
	 * {@code Listening for transport dt_socket at address: ...} line IDEs offer to attach
	 * to.
	 */
	private static String rewriteJdwp(String settings, int workerId) {
		Map<String, String> rewritten = new LinkedHashMap<>();
		for (String setting : settings.split(",")) {
			int equals = setting.indexOf('=');
			if (equals > 0) {
				rewritten.put(setting.substring(0, equals), setting.substring(equals + 1));
			}
			else if (!setting.isEmpty()) {
				rewritten.put(setting, null);
			}
		}
		if (!"y".equals(rewritten.get("server"))) {
			rewritten.put("server", "y");
			rewritten.put("address", "127.0.0.1:0");
			// Attaching when an exception is thrown or launching a debugger needs server=n
			rewritten.remove("onthrow");
			rewritten.remove("onuncaught");
			rewritten.remove("launch");
		}
		else if (rewritten.get("address") != null) {
			String address = rewritten.get("address");
			int colon = address.lastIndexOf(':');
			rewritten.put("address",
					address.substring(0, colon + 1) + offsetPort(address.substring(colon + 1), workerId));
		}
		rewritten.put("suspend", "n");
		rewritten.remove("quiet");
		StringBuilder result = new StringBuilder();
		rewritten.forEach((name, value) -> {
			result.append((result.length() > 0) ? "," : "").append(name);
			if (value != null) {
				result.append('=').append(value);
			}
		});
		return result.toString();
	}

	/**
	 * Whether an option loads an agent that {@code cluster.worker.jvm-args} loads too,
	 * with the options the user chose for workers.
	 */
	private boolean isReplacedByWorkerJvmArgs(String option) {
		String agent = JavaAgents.agent(option);
		return agent != null && this.workerJvmArgs.stream().anyMatch((worker) -> agent.equals(JavaAgents.agent(worker)));
	}

	/**
	 * What the master should tell the user about the Java agents it passes to every
	 * worker unchanged, not knowing whether they bind a port or write a file.
	 * @return a sentence, or {@code null} if there is no such agent
	 */
	public @Nullable String agentNotice() {
		Set<String> unknown = new LinkedHashSet<>();
		List<String> options = new ArrayList<>(this.effectiveMasterOptions);
		options.addAll(this.master.getJvmOptions());
		for (String option : options) {
			if (JavaAgents.agent(option) != null && !JDWP.matcher(option).matches() && !JavaAgents.isKnown(option)
					&& !isReplacedByWorkerJvmArgs(option)) {
				unknown.add(option);
			}
		}
		if (unknown.isEmpty()) {
			return null;
		}
		return "Java agent options passed unchanged to every worker: " + String.join(" ", unknown) + ". If an "
				+ "agent binds a port or writes a file, every worker tries the same one as the master; give the "
				+ "workers their own with cluster.worker.jvm-args, where an agent replaces the master's of the same "
				+ "jar or library";
	}

	/**
	 * What the master should tell the user about debugging its workers, if the JVM runs
	 * the JDWP agent.
	 * @return a sentence, or {@code null} without a debugger agent
	 */
	public @Nullable String debuggerNotice() {
		for (String option : allOptions()) {
			Matcher jdwp = JDWP.matcher(option);
			if (jdwp.matches()) {
				String settings = "," + jdwp.group(2) + ",";
				if (settings.contains(",server=y,")) {
					return "Debugger: each worker listens on its own port (the port given plus the worker id, or a "
							+ "free one for port 0) and never waits for a debugger; attach to the port in its "
							+ "'Listening for transport dt_socket at address' line";
				}
				return "Debugger: the master connects to the debugger listening at the address given (server=n), "
						+ "which takes one JVM only; each worker listens on a free port of its own instead and never "
						+ "waits for a debugger: attach to the port in its 'Listening for transport dt_socket at "
						+ "address' line";
			}
		}
		return null;
	}

	private static String offsetPort(String port, int workerId) {
		try {
			int value = Integer.parseInt(port);
			return (value != 0) ? Integer.toString(value + workerId) : port;
		}
		catch (NumberFormatException ex) {
			return port;
		}
	}

	static String perWorkerFile(String path, int workerId) {
		if (path.contains("%p") || path.endsWith("/") || Files.isDirectory(Path.of(path))) {
			// The JVM makes the name unique per process itself
			return path;
		}
		int slash = path.lastIndexOf('/');
		int dot = path.lastIndexOf('.');
		if (dot <= slash + 1) {
			return path + "-worker" + workerId;
		}
		return path.substring(0, dot) + "-worker" + workerId + path.substring(dot);
	}

}
