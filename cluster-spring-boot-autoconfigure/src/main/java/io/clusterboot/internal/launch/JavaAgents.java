package io.clusterboot.internal.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The Java agents whose options a worker cannot take unchanged: those that bind a port
 * (every worker would find it taken by the master) or write a file (every worker would
 * write the same one). The options of agents whose syntax is known are rewritten as JMX
 * ports are: a port {@code P} becomes {@code P + worker id}, a file gets
 * {@code -worker<id>}.
 * <ul>
 * <li>Prometheus JMX exporter: {@code =[host:]port:config.yaml};</li>
 * <li>Jolokia, YourKit: {@code port=};</li>
 * <li>JaCoCo: {@code port=} (tcpserver) and {@code destfile=};</li>
 * <li>async-profiler: {@code file=}, unless the JVM makes it unique itself ({@code %p},
 * {@code %t}).</li>
 * </ul>
 */
final class JavaAgents {

	private static final Pattern AGENT = Pattern.compile("^(-javaagent:|-agentpath:|-agentlib:)([^=]+)(?:=(.*))?$");

	private static final Pattern JMX_EXPORTER_ARGUMENTS = Pattern.compile("^((?:\\[[^\\]]*\\]:|[^:\\[]*:)?)(\\d+)(:.*)?$");

	private JavaAgents() {
	}

	/**
	 * The agent an option loads: its jar or library path, or its library name.
	 * @param option a JVM option
	 * @return the agent, or {@code null} if the option loads none
	 */
	static @Nullable String agent(String option) {
		Matcher agent = AGENT.matcher(option);
		return agent.matches() ? agent.group(1) + agent.group(2) : null;
	}

	/**
	 * Whether an option loads an agent whose options are known to be safe or rewritten.
	 * @param option a JVM option that loads an agent
	 * @return {@code true} if {@link #rewrite} knows the agent
	 */
	static boolean isKnown(String option) {
		Matcher agent = AGENT.matcher(option);
		return agent.matches() && kind(agent.group(2)) != null;
	}

	/**
	 * Rewrite the options of a known agent for a worker.
	 * @param option a JVM option
	 * @param workerId the worker's slot id
	 * @param perWorkerFile makes a file name the worker's own
	 * @return the rewritten option, or the option itself
	 */
	static String rewrite(String option, int workerId, BiFunction<String, Integer, String> perWorkerFile) {
		Matcher agent = AGENT.matcher(option);
		if (!agent.matches() || agent.group(3) == null) {
			return option;
		}
		Kind kind = kind(agent.group(2));
		if (kind == null) {
			return option;
		}
		String arguments = agent.group(3);
		String rewritten = switch (kind) {
			case JMX_EXPORTER -> jmxExporter(arguments, workerId);
			case PORT -> settings(arguments, workerId, List.of("port"), List.of(), perWorkerFile);
			case JACOCO -> settings(arguments, workerId, List.of("port"), List.of("destfile"), perWorkerFile);
			case ASYNC_PROFILER -> settings(arguments, workerId, List.of(), List.of("file"), perWorkerFile);
		};
		return agent.group(1) + agent.group(2) + "=" + rewritten;
	}

	private static String jmxExporter(String arguments, int workerId) {
		Matcher matcher = JMX_EXPORTER_ARGUMENTS.matcher(arguments);
		if (!matcher.matches()) {
			return arguments;
		}
		int port = Integer.parseInt(matcher.group(2));
		return matcher.group(1) + ((port != 0) ? port + workerId : 0) + ((matcher.group(3) != null) ? matcher.group(3) : "");
	}

	private static String settings(String arguments, int workerId, List<String> ports, List<String> files,
			BiFunction<String, Integer, String> perWorkerFile) {
		List<String> rewritten = new ArrayList<>();
		for (String setting : arguments.split(",", -1)) {
			int equals = setting.indexOf('=');
			String key = (equals > 0) ? setting.substring(0, equals) : setting;
			String value = (equals > 0) ? setting.substring(equals + 1) : null;
			if (value != null && ports.contains(key) && value.matches("\\d+") && !value.equals("0")) {
				rewritten.add(key + "=" + (Integer.parseInt(value) + workerId));
			}
			else if (value != null && files.contains(key) && !value.isEmpty() && !value.contains("%p")
					&& !value.contains("%t")) {
				rewritten.add(key + "=" + perWorkerFile.apply(value, workerId));
			}
			else {
				rewritten.add(setting);
			}
		}
		return String.join(",", rewritten);
	}

	private static @Nullable Kind kind(String agent) {
		String name = agent.substring(Math.max(agent.lastIndexOf('/'), agent.lastIndexOf('\\')) + 1)
			.toLowerCase(Locale.ROOT);
		if (name.startsWith("jmx_prometheus_javaagent")) {
			return Kind.JMX_EXPORTER;
		}
		if (name.startsWith("jolokia") || name.contains("yjpagent")) {
			return Kind.PORT;
		}
		if (name.startsWith("jacocoagent") || name.startsWith("org.jacoco.agent")) {
			return Kind.JACOCO;
		}
		if (name.contains("asyncprofiler")) {
			return Kind.ASYNC_PROFILER;
		}
		return null;
	}

	private enum Kind {

		JMX_EXPORTER, PORT, JACOCO, ASYNC_PROFILER

	}

}
