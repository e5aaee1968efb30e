package io.clusterboot.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link JavaCommandLine}.
 */
class JavaCommandLineTests {

	private static final String JAVA = "/opt/jdk/bin/java";

	@Test
	void parseJar() {
		JavaCommandLine command = parse("-Xmx1g", "-Dspring.profiles.active=prod", "-jar", "app.jar", "a", "b");
		assertThat(command.getExecutable()).isEqualTo(JAVA);
		assertThat(command.getJvmOptions()).containsExactly("-Xmx1g", "-Dspring.profiles.active=prod");
		assertThat(command.getTarget()).containsExactly("-jar", "app.jar");
		assertThat(command.getArguments()).containsExactly("a", "b");
	}

	@Test
	void parseMainClassWithClassPath() {
		JavaCommandLine command = parse("-cp", "x", "Main", "a");
		assertThat(command.getJvmOptions()).containsExactly("-cp", "x");
		assertThat(command.getTarget()).containsExactly("Main");
		assertThat(command.getArguments()).containsExactly("a");
	}

	@Test
	void parseModule() {
		JavaCommandLine command = parse("-p", "mods", "-m", "mod/com.example.Main", "a");
		assertThat(command.getJvmOptions()).containsExactly("-p", "mods");
		assertThat(command.getTarget()).containsExactly("-m", "mod/com.example.Main");
		assertThat(command.getArguments()).containsExactly("a");
	}

	@Test
	void parseLongModuleOption() {
		JavaCommandLine command = parse("--module-path", "mods", "--module", "mod/com.example.Main");
		assertThat(command.getJvmOptions()).containsExactly("--module-path", "mods");
		assertThat(command.getTarget()).containsExactly("--module", "mod/com.example.Main");
		assertThat(command.getArguments()).isEmpty();
	}

	@Test
	void parseModuleOptionWithEqualsSign() {
		JavaCommandLine command = parse("--module-path=mods", "--module=mod/com.example.Main", "a");
		assertThat(command.getJvmOptions()).containsExactly("--module-path=mods");
		assertThat(command.getTarget()).containsExactly("--module=mod/com.example.Main");
		assertThat(command.getArguments()).containsExactly("a");
	}

	@Test
	void parseModuleOptionWithEqualsSignAndNoArguments() {
		JavaCommandLine command = parse("--module=mod/com.example.Main");
		assertThat(command.getTarget()).containsExactly("--module=mod/com.example.Main");
		assertThat(command.getArguments()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path",
			"--add-modules", "--enable-native-access", "--limit-modules", "--add-reads", "--add-exports",
			"--add-opens", "--patch-module" })
	void parseOptionWhoseValueIsTheNextArgument(String option) {
		JavaCommandLine command = parse(option, "java.base/java.lang=ALL-UNNAMED", "com.example.Main");
		assertThat(command.getJvmOptions()).containsExactly(option, "java.base/java.lang=ALL-UNNAMED");
		assertThat(command.getTarget()).containsExactly("com.example.Main");
	}

	@Test
	void parseSourceFile() {
		JavaCommandLine command = parse("--source", "21", "Hello.java", "world");
		assertThat(command.getJvmOptions()).containsExactly("--source", "21");
		assertThat(command.getTarget()).containsExactly("Hello.java");
		assertThat(command.getArguments()).containsExactly("world");
	}

	@Test
	void parseArgumentFileAsAnOption() {
		JavaCommandLine command = parse("@/tmp/jvm.args", "-jar", "app.jar");
		assertThat(command.getJvmOptions()).containsExactly("@/tmp/jvm.args");
		assertThat(command.getTarget()).containsExactly("-jar", "app.jar");
	}

	@Test
	void parseExpandsAnArgumentFileWhereItStands(@TempDir Path directory) throws IOException {
		Path file = Files.writeString(directory.resolve("jvm.args"), "-Xmx1g -cp \"lib/a b.jar\"\n# IDE\n");
		JavaCommandLine command = parse("-Dx=1", "@" + file, "com.example.App", "--x=y");
		assertThat(command.getJvmOptions()).containsExactly("-Dx=1", "-Xmx1g", "-cp", "lib/a b.jar");
		assertThat(command.getTarget()).containsExactly("com.example.App");
		assertThat(command.getArguments()).containsExactly("--x=y");
	}

	@Test
	void parseFindsTheTargetAndArgumentsInsideAnArgumentFile(@TempDir Path directory) throws IOException {
		// As IDEs write them for long class paths
		Path file = Files.writeString(directory.resolve("idea.args"), "-cp a.jar:b.jar\ncom.example.App\n--from-file");
		JavaCommandLine command = parse("-Dx=1", "@" + file, "--after");
		assertThat(command.getJvmOptions()).containsExactly("-Dx=1", "-cp", "a.jar:b.jar");
		assertThat(command.getTarget()).containsExactly("com.example.App");
		assertThat(command.getArguments()).containsExactly("--from-file", "--after");
	}

	@Test
	void parseExpandsNothingAfterTheTargetNorInsideAnArgumentFile(@TempDir Path directory) throws IOException {
		Path inner = Files.writeString(directory.resolve("inner.args"), "-Dinner=1");
		Path outer = Files.writeString(directory.resolve("outer.args"), "-jar app.jar @" + inner);
		JavaCommandLine command = parse("@" + outer, "@" + inner);
		assertThat(command.getTarget()).containsExactly("-jar", "app.jar");
		assertThat(command.getArguments()).containsExactly("@" + inner, "@" + inner);
	}

	@Test
	void parseReadsDoubleAtAsALiteralAtAndStopsExpandingAfterDisable(@TempDir Path directory) throws IOException {
		Path file = Files.writeString(directory.resolve("jvm.args"), "-Dx=1");
		JavaCommandLine command = parse("@@literal", "--disable-@files", "@" + file, "-jar", "app.jar");
		assertThat(command.getJvmOptions()).containsExactly("@literal", "--disable-@files", "@" + file);
	}

	@Test
	void parseSpringBootMavenPluginCommandLine() {
		String classPath = "/home/dev/app/target/classes:/home/dev/.m2/repository/org/springframework/spring-core.jar";
		JavaCommandLine command = parse("-XX:TieredStopAtLevel=1", "-cp", classPath, "com.example.App", "--x=y");
		assertThat(command.getJvmOptions()).containsExactly("-XX:TieredStopAtLevel=1", "-cp", classPath);
		assertThat(command.getTarget()).containsExactly("com.example.App");
		assertThat(command.getArguments()).containsExactly("--x=y");
	}

	@Test
	void parseKeepsApplicationArgumentsThatLookLikeOptions() {
		JavaCommandLine command = parse("-jar", "app.jar", "-cp", "x", "-Xmx1g", "--debug");
		assertThat(command.getJvmOptions()).isEmpty();
		assertThat(command.getArguments()).containsExactly("-cp", "x", "-Xmx1g", "--debug");
	}

	@Test
	void parseWithoutTargetIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("-Xmx1g", "-cp", "x"))
			.withMessage("No main class, -jar or -m in java command line [-Xmx1g, -cp, x]");
	}

	@Test
	void parseOfNothingIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse())
			.withMessageStartingWith("No main class, -jar or -m");
	}

	@Test
	void parseJarWithoutFileIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("-Xmx1g", "-jar"))
			.withMessage("'-jar' without a value in [-Xmx1g, -jar]");
	}

	@Test
	void parseOptionMissingItsValueIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("-cp"))
			.withMessageStartingWith("No main class, -jar or -m");
	}

	@Test
	void toCommandRebuildsTheOriginalCommand() {
		List<String> argv = List.of("-Xmx1g", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", "a:b",
				"com.example.App", "--x=y", "z");
		JavaCommandLine command = JavaCommandLine.parse(JAVA, argv);
		assertThat(command.toCommand()).first().isEqualTo(JAVA);
		assertThat(command.toCommand()).containsSubsequence(argv).hasSize(argv.size() + 1);
		assertThat(command).hasToString(JAVA + " " + String.join(" ", argv));
	}

	@Test
	void parsedListsAreImmutable() {
		JavaCommandLine command = parse("-cp", "x", "Main", "a");
		assertThat(command.getJvmOptions()).isUnmodifiable();
		assertThat(command.getTarget()).isUnmodifiable();
		assertThat(command.getArguments()).isUnmodifiable();
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void currentIsTheCommandLineOfThisJvm() {
		JavaCommandLine current = JavaCommandLine.current();
		assertThat(current.getExecutable())
			.isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		assertThat(current.getTarget()).isNotEmpty();
		List<String> arguments = ProcessHandle.current().info().arguments().map(Arrays::asList).orElseThrow();
		assertThat(current.toCommand().subList(1, current.toCommand().size())).isEqualTo(arguments);
	}

	private static JavaCommandLine parse(String... argv) {
		return JavaCommandLine.parse(JAVA, List.of(argv));
	}

	@Test
	void aTargetInsideAnArgumentFileIsLeftThere() {
		JavaCommandLine commandLine = parse("-Xmx1g", "@/tmp/idea-args.txt");
		assertThat(commandLine.getJvmOptions()).containsExactly("-Xmx1g", "@/tmp/idea-args.txt");
		assertThat(commandLine.getTarget()).isEmpty();
		assertThat(commandLine.getArguments()).isEmpty();
	}

}
