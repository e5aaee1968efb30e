package io.clusterboot.internal.launch;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A {@code java} command line split the way the launcher reads it: JVM options, the
 * launch target (main class, {@code -jar file}, {@code -m module[/class]} or a source
 * file) and the application's arguments.
 *
 * @since 0.1.0
 */
public final class JavaCommandLine {

	/**
	 * Launcher options whose value is the next argument.
	 */
	private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
			"--module-path", "--upgrade-module-path", "--add-modules", "--enable-native-access", "--limit-modules",
			"--add-reads", "--add-exports", "--add-opens", "--patch-module", "--source");

	private final String executable;

	private final List<String> jvmOptions;

	private final List<String> target;

	private final List<String> arguments;

	JavaCommandLine(String executable, List<String> jvmOptions, List<String> target, List<String> arguments) {
		this.executable = executable;
		this.jvmOptions = List.copyOf(jvmOptions);
		this.target = List.copyOf(target);
		this.arguments = List.copyOf(arguments);
	}

	/**
	 * The command line of the running JVM, exactly as it was typed where the platform
	 * tells (Linux: {@code /proc/self/cmdline}; elsewhere {@link ProcessHandle.Info}),
	 * otherwise rebuilt from the JVM's input arguments and {@code sun.java.command}.
	 * @return the current command line
	 */
	public static JavaCommandLine current() {
		String executable = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> argv = procSelfCmdline();
		if (argv == null) {
			argv = ProcessHandle.current().info().arguments().map(Arrays::asList).orElse(null);
		}
		if (argv != null) {
			return parse(executable, argv);
		}
		return fromRuntime(executable);
	}

	private static List<String> procSelfCmdline() {
		Path cmdline = Path.of("/proc/self/cmdline");
		if (!Files.isReadable(cmdline)) {
			return null;
		}
		try {
			String content = Files.readString(cmdline, platformCharset());
			List<String> argv = new ArrayList<>(Arrays.asList(content.split("\0", -1)));
			if (!argv.isEmpty() && argv.get(argv.size() - 1).isEmpty()) {
				argv.remove(argv.size() - 1);
			}
			return argv.isEmpty() ? null : argv.subList(1, argv.size());
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static Charset platformCharset() {
		String encoding = System.getProperty("sun.jnu.encoding");
		try {
			return (encoding != null) ? Charset.forName(encoding) : Charset.defaultCharset();
		}
		catch (IllegalArgumentException ex) {
			return Charset.defaultCharset();
		}
	}

	private static JavaCommandLine fromRuntime(String executable) {
		List<String> options = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
		String command = System.getProperty("sun.java.command", "").trim();
		List<String> words = command.isEmpty() ? List.of() : Arrays.asList(command.split(" "));
		List<String> target = new ArrayList<>();
		List<String> arguments = new ArrayList<>();
		if (!words.isEmpty()) {
			String first = words.get(0);
			if (first.endsWith(".jar") && first.equals(System.getProperty("java.class.path"))) {
				target.add("-jar");
			}
			else {
				options.add("-cp");
				options.add(System.getProperty("java.class.path"));
			}
			target.add(first);
			arguments.addAll(words.subList(1, words.size()));
		}
		return new JavaCommandLine(executable, options, target, arguments);
	}

	/**
	 * Split the arguments of a {@code java} command (without the program name), with the
	 * argument files ({@code @file}) before the launch target expanded as the launcher
	 * expands them; one that cannot be read is kept as it is.
	 * @param executable the java executable
	 * @param argv the arguments as the launcher received them
	 * @return the command line
	 * @throws IllegalArgumentException if there is no launch target
	 */
	public static JavaCommandLine parse(String executable, List<String> argv) {
		Deque<Argument> pending = new ArrayDeque<>();
		for (String value : argv) {
			pending.add(new Argument(value, true));
		}
		List<String> options = new ArrayList<>();
		boolean expanding = true;
		while (!pending.isEmpty()) {
			Argument argument = pending.poll();
			String arg = argument.value();
			if (expanding && argument.expandable() && arg.startsWith("@")) {
				if (arg.startsWith("@@")) {
					arg = arg.substring(1);
				}
				else {
					List<String> contents = (arg.length() > 1)
							? ArgumentFiles.read(Path.of(arg.substring(1)), platformCharset()) : null;
					if (contents != null) {
						for (int j = contents.size() - 1; j >= 0; j--) {
							pending.addFirst(new Argument(contents.get(j), false));
						}
						continue;
					}
				}
			}
			if (arg.equals(ArgumentFiles.DISABLE)) {
				expanding = false;
			}
			if (arg.equals("-jar") || arg.equals("-m") || arg.equals("--module")) {
				if (pending.isEmpty()) {
					throw new IllegalArgumentException("'" + arg + "' without a value in " + argv);
				}
				return new JavaCommandLine(executable, options, List.of(arg, pending.poll().value()), rest(pending));
			}
			if (arg.startsWith("--module=")) {
				return new JavaCommandLine(executable, options, List.of(arg), rest(pending));
			}
			if (OPTIONS_WITH_VALUE.contains(arg) && !pending.isEmpty()) {
				options.add(arg);
				options.add(pending.poll().value());
				continue;
			}
			if (arg.startsWith("-") || (arg.startsWith("@") && argument.expandable())) {
				options.add(arg);
				continue;
			}
			return new JavaCommandLine(executable, options, List.of(arg), rest(pending));
		}
		if (options.stream().anyMatch((option) -> option.startsWith("@"))) {
			// The target is inside an argument file the master cannot read
			return new JavaCommandLine(executable, options, List.of(), List.of());
		}
		throw new IllegalArgumentException("No main class, -jar or -m in java command line " + argv);
	}

	private static List<String> rest(Deque<Argument> pending) {
		return pending.stream().map(Argument::value).toList();
	}

	/**
	 * One argument of the launcher, and whether it may name an argument file: not inside
	 * one.
	 */
	private record Argument(String value, boolean expandable) {
	}

	/**
	 * The java executable.
	 * @return the path of the java executable
	 */
	public String getExecutable() {
		return this.executable;
	}

	/**
	 * Options for the JVM and the launcher, class path included.
	 * @return the JVM options
	 */
	public List<String> getJvmOptions() {
		return this.jvmOptions;
	}

	/**
	 * What the launcher starts: {@code [main class]}, {@code [-jar, file]},
	 * {@code [-m, module/class]}, {@code [--module=module/class]} or {@code [source file]}.
	 * @return the launch target
	 */
	public List<String> getTarget() {
		return this.target;
	}

	/**
	 * The application's own arguments.
	 * @return the program arguments
	 */
	public List<String> getArguments() {
		return this.arguments;
	}

	/**
	 * The whole command, executable first.
	 * @return the command
	 */
	public List<String> toCommand() {
		List<String> command = new ArrayList<>();
		command.add(this.executable);
		command.addAll(this.jvmOptions);
		command.addAll(this.target);
		command.addAll(this.arguments);
		return command;
	}

	@Override
	public String toString() {
		return String.join(" ", toCommand());
	}

}
