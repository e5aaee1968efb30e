package io.clusterboot.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerCommandFactory}.
 */
class WorkerCommandFactoryTests {

	private static final String JAVA = "/opt/jdk/bin/java";

	@Test
	void commandRepeatsTheMasterCommandAndAddsTheWorkerOptionsBeforeTheTarget() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master("-Dfoo=bar", "-cp", "a:b", "com.example.App",
				"--x=y"), List.of(), List.of("-Xss512k", "-Dfoo=worker"), true, true);
		assertThat(factory.command(1, 2)).containsExactly(JAVA, "-Dfoo=bar", "-cp", "a:b",
				"-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=25.0", "-Xss512k", "-Dfoo=worker",
				"com.example.App", "--x=y");
	}

	@Test
	void workerOptionsComeBeforeAModuleTargetGivenWithAnEqualsSign() {
		WorkerCommandFactory factory = new WorkerCommandFactory(
				JavaCommandLine.parse(JAVA, List.of("-p", "mods", "--module=app/com.example.App", "--x=y")), List.of(),
				List.of(), true, true);
		assertThat(factory.command(1, 2)).containsExactly(JAVA, "-p", "mods", "-XX:+ExitOnOutOfMemoryError",
				"-XX:MaxRAMPercentage=25.0", "--module=app/com.example.App", "--x=y");
	}

	@Test
	void jdwpPortIsOffsetByTheWorkerIdAndSuspendIsTurnedOff() {
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=*:5005", 2))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5007");
	}

	@Test
	void jdwpPortWithoutHostIsOffsetByTheWorkerId() {
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,server=y,address=5005", 1))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,server=y,address=5006,suspend=n");
	}

	@Test
	void jdwpWithoutSuspendNeverSuspendsAWorker() {
		// JDWP suspends until a debugger attaches unless told otherwise
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005", 2))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,server=y,address=*:5007,suspend=n");
	}

	@Test
	void jdwpConnectingToADebuggerMakesEachWorkerListenOnAFreePortInstead() {
		// How IDEs launch: the IDE listens and the JVM connects to it, which only one JVM can
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,address=127.0.0.1:41235,suspend=y,server=n", 2))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,address=127.0.0.1:0,suspend=n,server=y");
	}

	@Test
	void jdwpWithoutServerSettingConnectsByDefaultSoEachWorkerListensInstead() {
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,address=ide.example.com:5005,onthrow=java.io.IOException,launch=/bin/debug", 1))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,address=127.0.0.1:0,server=y,suspend=n");
	}

	@Test
	void jdwpIsNeverQuietSoThatWorkersPrintTheirAddress() {
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,server=y,quiet=y,suspend=n,address=0", 1))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=0");
	}

	@Test
	void debuggerNoticeSaysHowWorkersAreDebugged() {
		assertThat(factory("-agentlib:jdwp=transport=dt_socket,server=y,address=5005").debuggerNotice())
			.contains("each worker listens on its own port");
		assertThat(factory("-agentlib:jdwp=transport=dt_socket,address=127.0.0.1:41235").debuggerNotice())
			.contains("the master connects to the debugger listening at the address given (server=n)");
		assertThat(factory("-Dx=y").debuggerNotice()).isNull();
	}

	@Test
	void legacyJdwpOptionIsRewrittenToo() {
		assertThat(workerOption("-Xrunjdwp:transport=dt_socket,address=127.0.0.1:8000,server=y,suspend=y", 3))
			.isEqualTo("-Xrunjdwp:transport=dt_socket,address=127.0.0.1:8003,server=y,suspend=n");
	}

	@Test
	void jdwpEphemeralPortIsKept() {
		assertThat(workerOption("-agentlib:jdwp=transport=dt_socket,server=y,address=localhost:0", 3))
			.isEqualTo("-agentlib:jdwp=transport=dt_socket,server=y,address=localhost:0,suspend=n");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			-javaagent:/opt/jmx_prometheus_javaagent-1.0.1.jar=9404:/etc/jmx.yaml | -javaagent:/opt/jmx_prometheus_javaagent-1.0.1.jar=9406:/etc/jmx.yaml
			-javaagent:/opt/jmx_prometheus_javaagent.jar=0.0.0.0:9404:config.yaml | -javaagent:/opt/jmx_prometheus_javaagent.jar=0.0.0.0:9406:config.yaml
			-javaagent:/opt/jmx_prometheus_javaagent.jar=[::1]:9404:config.yaml | -javaagent:/opt/jmx_prometheus_javaagent.jar=[::1]:9406:config.yaml
			-javaagent:/opt/jolokia-agent-jvm-2.1.0-javaagent.jar=port=8778,host=127.0.0.1 | -javaagent:/opt/jolokia-agent-jvm-2.1.0-javaagent.jar=port=8780,host=127.0.0.1
			-agentpath:/opt/yourkit/bin/linux-x86-64/libyjpagent.so=port=10001,listen=localhost | -agentpath:/opt/yourkit/bin/linux-x86-64/libyjpagent.so=port=10003,listen=localhost
			-javaagent:/opt/jacocoagent.jar=output=tcpserver,port=6300 | -javaagent:/opt/jacocoagent.jar=output=tcpserver,port=6302
			-javaagent:/opt/jacocoagent.jar=destfile=target/jacoco.exec,append=true | -javaagent:/opt/jacocoagent.jar=destfile=target/jacoco-worker2.exec,append=true
			-agentpath:/opt/async-profiler/lib/libasyncProfiler.so=start,event=cpu,file=profile.html | -agentpath:/opt/async-profiler/lib/libasyncProfiler.so=start,event=cpu,file=profile-worker2.html
			-agentpath:/opt/async-profiler/lib/libasyncProfiler.so=start,file=profile-%p.jfr | -agentpath:/opt/async-profiler/lib/libasyncProfiler.so=start,file=profile-%p.jfr
			-javaagent:/opt/opentelemetry-javaagent.jar | -javaagent:/opt/opentelemetry-javaagent.jar
			-javaagent:/opt/jolokia.jar=port=0 | -javaagent:/opt/jolokia.jar=port=0
			""")
	void agentsThatBindAPortOrWriteAFileGetTheWorkersOwn(String master, String worker) {
		assertThat(workerOption(master, 2)).isEqualTo(worker);
	}

	@Test
	void anAgentInTheWorkersJvmArgsReplacesTheMastersOfTheSameJar() {
		WorkerCommandFactory factory = new WorkerCommandFactory(
				JavaCommandLine.parse(JAVA, List.of("-javaagent:/opt/agent.jar=port=1", "-Dx=1", "-jar", "app.jar")),
				List.of(), List.of("-javaagent:/opt/agent.jar=port=2"), false, false);
		assertThat(factory.command(1, 2)).containsExactly(JAVA, "-Dx=1", "-javaagent:/opt/agent.jar=port=2", "-jar",
				"app.jar");
		assertThat(factory.environmentOverrides(Map.of("JAVA_TOOL_OPTIONS", "-javaagent:/opt/agent.jar=port=1"), 1))
			.containsEntry("JAVA_TOOL_OPTIONS", "");
		assertThat(factory.agentNotice()).isNull();
	}

	@Test
	void agentNoticeNamesTheAgentsPassedUnchanged() {
		WorkerCommandFactory factory = new WorkerCommandFactory(JavaCommandLine.parse(JAVA,
				List.of("-javaagent:/opt/opentelemetry-javaagent.jar", "-javaagent:/opt/jolokia.jar=port=8778",
						"-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-jar", "app.jar")),
				List.of("-agentpath:/opt/libcustom.so=port=7000"), List.of(), false, false);
		assertThat(factory.agentNotice()).startsWith("Java agent options passed unchanged to every worker: "
				+ "-agentpath:/opt/libcustom.so=port=7000 -javaagent:/opt/opentelemetry-javaagent.jar. ")
			.contains("cluster.worker.jvm-args");
		assertThat(factory("-Dx=1").agentNotice()).isNull();
	}

	@Test
	void jmxPortIsOffsetByTheWorkerId() {
		assertThat(workerOption("-Dcom.sun.management.jmxremote.port=9010", 3))
			.isEqualTo("-Dcom.sun.management.jmxremote.port=9013");
	}

	@Test
	void jmxRmiPortIsOffsetByTheWorkerId() {
		assertThat(workerOption("-Dcom.sun.management.jmxremote.rmi.port=9020", 4))
			.isEqualTo("-Dcom.sun.management.jmxremote.rmi.port=9024");
	}

	@Test
	void otherJmxOptionsAreKept() {
		assertThat(workerOption("-Dcom.sun.management.jmxremote.authenticate=false", 4))
			.isEqualTo("-Dcom.sun.management.jmxremote.authenticate=false");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			-XX:StartFlightRecording=delay=1m,filename=r.jfr | -XX:StartFlightRecording=delay=1m,filename=r-worker2.jfr
			-XX:StartFlightRecording:filename=r.jfr,name=x | -XX:StartFlightRecording:filename=r-worker2.jfr,name=x
			-Xlog:gc*:file=gc.log:time:filecount=5 | -Xlog:gc*:file=gc-worker2.log:time:filecount=5
			-Xlog:safepoint=info:file=/var/log/sp.txt | -Xlog:safepoint=info:file=/var/log/sp-worker2.txt
			-Xloggc:gc.log | -Xloggc:gc-worker2.log
			-XX:HeapDumpPath=/dumps/heap.hprof | -XX:HeapDumpPath=/dumps/heap-worker2.hprof
			-XX:HeapDumpPath=/dumps/app.v1.hprof | -XX:HeapDumpPath=/dumps/app.v1-worker2.hprof
			""")
	void fileNamesGetTheWorkerIdBeforeTheExtension(String option, String expected) {
		assertThat(workerOption(option, 2)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "-XX:HeapDumpPath=/dumps/heap-%p.hprof", "-Xlog:gc:file=gc-%p.log",
			"-XX:HeapDumpPath=/dumps/" })
	void perProcessFileNamesAreKept(String option) {
		assertThat(workerOption(option, 2)).isEqualTo(option);
	}

	@Test
	void existingDirectoriesAreKept(@TempDir Path directory) throws IOException {
		Path dotted = Files.createDirectory(directory.resolve("app.d"));
		for (String option : List.of("-XX:HeapDumpPath=" + directory, "-XX:HeapDumpPath=" + dotted,
				"-XX:StartFlightRecording=filename=" + directory)) {
			assertThat(workerOption(option, 2)).isEqualTo(option);
		}
	}

	@Test
	void aPathWithoutExtensionThatIsNoDirectoryIsAFile() {
		assertThat(workerOption("-XX:HeapDumpPath=/no/such/dir/heap", 2))
			.isEqualTo("-XX:HeapDumpPath=/no/such/dir/heap-worker2");
	}

	@Test
	void aUnifiedLoggingFileWithoutFilePrefixIsPerWorkerButStandardStreamsAreNot() {
		assertThat(workerOption("-Xlog:gc*:gc.log:time", 3)).isEqualTo("-Xlog:gc*:gc-worker3.log:time");
		assertThat(workerOption("-Xlog:gc:stdout", 3)).isEqualTo("-Xlog:gc:stdout");
		assertThat(workerOption("-Xlog:gc*:stderr:time", 3)).isEqualTo("-Xlog:gc*:stderr:time");
		assertThat(workerOption("-Xlog:gc", 3)).isEqualTo("-Xlog:gc");
	}

	@Test
	void fileOptionsInJavaToolOptionsArePerWorkerToo() {
		WorkerCommandFactory factory = factory();
		assertThat(factory.environmentOverrides(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Xlog:gc:file=/var/log/gc.log"), 2))
			.containsEntry("JAVA_TOOL_OPTIONS", "-Xmx1g -Xlog:gc:file=/var/log/gc-worker2.log");
		assertThat(factory.environmentOverrides(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Dfoo=bar"), 2)).isEmpty();
	}

	@Test
	void theOptionsOfAnArgumentFileAreRewrittenAndTheWorkersOptionsStillComeLast(@TempDir Path directory)
			throws IOException {
		Path file = Files.writeString(directory.resolve("idea.args"),
				"-agentlib:jdwp=transport=dt_socket,server=y,address=5005\n-Xmx512m\n-cp app.jar\ncom.example.App\n");
		JavaCommandLine master = JavaCommandLine.parse("java", List.of("@" + file, "--x=y"));
		WorkerCommandFactory factory = new WorkerCommandFactory(master, List.of(), List.of("-Xmx256m"), true, true);
		assertThat(factory.command(2, 2)).containsExactly("java",
				"-agentlib:jdwp=transport=dt_socket,server=y,address=5007,suspend=n", "-Xmx512m", "-cp", "app.jar",
				"-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "com.example.App", "--x=y");
	}

	@Test
	void whenTheTargetIsInAnArgumentFileThatCannotBeReadWorkerOptionsComeFirst() {
		JavaCommandLine master = JavaCommandLine.parse("java", List.of("-Dx=1", "@/tmp/idea-args.txt"));
		WorkerCommandFactory factory = new WorkerCommandFactory(master, List.of(), List.of("-Dextra=1"), true, true);
		assertThat(factory.command(1, 2)).containsExactly("java", "-XX:+ExitOnOutOfMemoryError",
				"-XX:MaxRAMPercentage=25.0", "-Dextra=1", "-Dx=1", "@/tmp/idea-args.txt");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-XX:ArchiveClassesAtExit=app.jsa", "-XX:DumpLoadedClassList=classes.lst",
			"-XX:AOTCacheOutput=app.aot", "-XX:AOTMode=record", "-XX:AOTMode=create",
			"-XX:AOTConfiguration=app.aotconf", "-Xshare:dump", "-XX:+AutoCreateSharedArchive" })
	void archiveAndAotOutputOptionsAreDropped(String option) {
		WorkerCommandFactory factory = factory(option, "-Dkept=true");
		assertThat(factory.command(1, 1)).doesNotContain(option).contains("-Dkept=true");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-XX:SharedArchiveFile=app.jsa", "-XX:AOTCache=app.aot", "-XX:AOTMode=on",
			"-Xshare:auto" })
	void archiveAndAotInputOptionsAreKept(String option) {
		assertThat(factory(option).command(1, 1)).contains(option);
	}

	@Test
	void exitOnOutOfMemoryErrorIsAddedByDefault() {
		WorkerCommandFactory factory = factory();
		assertThat(factory.command(1, 1)).containsOnlyOnce("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isTrue();
	}

	@Test
	void exitOnOutOfMemoryErrorIsNotAddedWhenDisabled() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of(), List.of(), false, true);
		assertThat(factory.command(1, 1)).noneMatch((option) -> option.endsWith("OnOutOfMemoryError"));
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void exitOnOutOfMemoryErrorSetByTheUserIsNotRepeated() {
		WorkerCommandFactory factory = factory("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.command(1, 1)).containsOnlyOnce("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isTrue();
	}

	@Test
	void userWhoTurnsExitOnOutOfMemoryErrorOffWins() {
		WorkerCommandFactory factory = factory("-XX:-ExitOnOutOfMemoryError");
		assertThat(factory.command(1, 1)).doesNotContain("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void userWhoChoosesCrashOnOutOfMemoryErrorWins() {
		WorkerCommandFactory factory = factory("-XX:+CrashOnOutOfMemoryError");
		assertThat(factory.command(1, 1)).doesNotContain("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void outOfMemoryOptionInTheWorkerJvmArgsWins() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of(),
				List.of("-XX:-ExitOnOutOfMemoryError"), true, true);
		assertThat(factory.command(1, 1)).containsOnlyOnce("-XX:-ExitOnOutOfMemoryError")
			.doesNotContain("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void outOfMemoryOptionInEffectInTheMasterWins() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of("-XX:+CrashOnOutOfMemoryError"),
				List.of(), true, true);
		assertThat(factory.command(1, 1)).doesNotContain("-XX:+ExitOnOutOfMemoryError",
				"-XX:+CrashOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void userWhoRunsACommandOnOutOfMemoryErrorWins() {
		WorkerCommandFactory factory = factory("-XX:OnOutOfMemoryError=kill -9 %p");
		assertThat(factory.command(1, 1)).contains("-XX:OnOutOfMemoryError=kill -9 %p")
			.doesNotContain("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void aHeapDumpOnOutOfMemoryIsNoReasonNotToExit() {
		WorkerCommandFactory factory = factory("-XX:+HeapDumpOnOutOfMemoryError");
		assertThat(factory.command(1, 1)).contains("-XX:+HeapDumpOnOutOfMemoryError", "-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isTrue();
	}

	@Test
	void crashingOnOutOfMemoryIsTheUsersChoice() {
		WorkerCommandFactory factory = factory("-XX:+CrashOnOutOfMemoryError");
		assertThat(factory.command(1, 1)).doesNotContain("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isFalse();
	}

	@Test
	void exitOnOutOfMemoryErrorWithAHeapDumpStillExits() {
		WorkerCommandFactory factory = factory("-XX:+ExitOnOutOfMemoryError", "-XX:+HeapDumpOnOutOfMemoryError",
				"-XX:HeapDumpPath=/dumps");
		assertThat(factory.command(1, 1)).containsOnlyOnce("-XX:+ExitOnOutOfMemoryError");
		assertThat(factory.exitsOnOutOfMemoryError()).isTrue();
	}

	@Test
	void lastExitOnOutOfMemoryErrorOptionWins() {
		assertThat(factory("-XX:+ExitOnOutOfMemoryError", "-XX:-ExitOnOutOfMemoryError").exitsOnOutOfMemoryError())
			.isFalse();
		assertThat(factory("-XX:-ExitOnOutOfMemoryError", "-XX:+ExitOnOutOfMemoryError").exitsOnOutOfMemoryError())
			.isTrue();
	}

	@Test
	void userExitOnOutOfMemoryErrorIsHonouredWhenTheFeatureIsDisabled() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master("-XX:+ExitOnOutOfMemoryError"), List.of(),
				List.of(), false, true);
		assertThat(factory.exitsOnOutOfMemoryError()).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "1, 25.0", "2, 25.0", "3, 16.7", "4, 12.5", "8, 6.3", "16, 3.1" })
	void heapShareSplitsHalfOfTheMemoryAmongTheWorkers(int workers, String percentage) {
		assertThat(factory().command(1, workers)).containsOnlyOnce("-XX:MaxRAMPercentage=" + percentage);
	}

	@Test
	void heapShareIsTheSameForEveryWorkerOfACluster() {
		WorkerCommandFactory factory = factory();
		assertThat(factory.command(1, 4)).contains("-XX:MaxRAMPercentage=12.5");
		assertThat(factory.command(4, 4)).contains("-XX:MaxRAMPercentage=12.5");
	}

	@Test
	void heapShareIsNotAddedWhenDisabled() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of(), List.of(), true, false);
		assertThat(factory.command(1, 4)).noneMatch((option) -> option.startsWith("-XX:MaxRAMPercentage"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "-Xmx512m", "-XX:MaxHeapSize=536870912", "-XX:MaxRAMPercentage=60", "-XX:MaxRAMFraction=2",
			"-XX:MaxRAM=2g" })
	void heapLimitSetOnTheMasterCommandLineWins(String option) {
		assertThat(factory(option).command(1, 4)).contains(option).doesNotContain("-XX:MaxRAMPercentage=12.5");
	}

	@Test
	void heapLimitInTheWorkerJvmArgsWins() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of(), List.of("-Xmx256m"), true, true);
		assertThat(factory.command(1, 4)).containsOnlyOnce("-Xmx256m")
			.noneMatch((option) -> option.startsWith("-XX:MaxRAMPercentage"));
	}

	@Test
	void heapLimitInEffectInTheMasterWins() {
		// As from JAVA_TOOL_OPTIONS, which the workers inherit
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of("-Xmx1g"), List.of(), true, true);
		assertThat(factory.command(1, 4)).doesNotContain("-Xmx1g")
			.noneMatch((option) -> option.startsWith("-XX:MaxRAMPercentage"));
	}

	@Test
	void initialHeapSizeIsNotAHeapLimit() {
		assertThat(factory("-Xms256m").command(1, 4)).contains("-Xms256m", "-XX:MaxRAMPercentage=12.5");
	}

	@Test
	void workerJvmArgsAreNotRewritten() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master(), List.of(), List.of("-Xloggc:worker.log"),
				true, true);
		assertThat(factory.command(2, 2)).contains("-Xloggc:worker.log");
	}

	@Test
	void environmentOverridesRewriteJavaToolOptions() {
		Map<String, String> environment = Map.of("JAVA_TOOL_OPTIONS",
				"-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=*:5005  -Dx=y", "PATH", "/usr/bin");
		assertThat(factory().environmentOverrides(environment, 1)).containsExactly(Map.entry("JAVA_TOOL_OPTIONS",
				"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5006 -Dx=y"));
	}

	@Test
	void environmentOverridesRewriteEveryJvmOptionVariable() {
		Map<String, String> environment = Map.of("JDK_JAVA_OPTIONS", "-Dcom.sun.management.jmxremote.port=9010",
				"_JAVA_OPTIONS", " -Dcom.sun.management.jmxremote.rmi.port=9020 ");
		assertThat(factory().environmentOverrides(environment, 2)).containsOnly(
				Map.entry("JDK_JAVA_OPTIONS", "-Dcom.sun.management.jmxremote.port=9012"),
				Map.entry("_JAVA_OPTIONS", "-Dcom.sun.management.jmxremote.rmi.port=9022"));
	}

	@Test
	void environmentOverridesLeaveOtherOptionsAlone() {
		Map<String, String> environment = Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Dfile.encoding=UTF-8");
		assertThat(factory().environmentOverrides(environment, 1)).isEmpty();
	}

	@Test
	void classDataReplacesTheJarAndAddsItsOptionsLast() {
		WorkerCommandFactory factory = new WorkerCommandFactory(JavaCommandLine.parse(JAVA, List.of("-Dfoo=bar", "-jar", "app.jar", "--x=y")),
				List.of(), List.of("-Xss512k"), true, true);
		ClassDataLaunch classData = new ClassDataLaunch(List.of("-jar", "/cache/app/0123/app.jar"),
				List.of("-XX:SharedArchiveFile=/cache/app/0123/jdk17.jsa"), null);
		assertThat(factory.command(1, 2, classData)).containsExactly(JAVA, "-Dfoo=bar", "-XX:+ExitOnOutOfMemoryError",
				"-XX:MaxRAMPercentage=25.0", "-Xss512k", "-XX:SharedArchiveFile=/cache/app/0123/jdk17.jsa", "-jar",
				"/cache/app/0123/app.jar", "--x=y");
	}

	@Test
	void classDataWithoutTargetKeepsTheMastersClassPath() {
		WorkerCommandFactory factory = new WorkerCommandFactory(master("-cp", "a.jar:b.jar", "com.example.App"),
				List.of(), List.of(), false, false);
		ClassDataLaunch classData = new ClassDataLaunch(List.of(), List.of("-XX:+RecordDynamicDumpInfo"), "x.tmp");
		assertThat(factory.command(1, 2, classData)).containsExactly(JAVA, "-cp", "a.jar:b.jar",
				"-XX:+RecordDynamicDumpInfo", "com.example.App");
	}

	@Test
	void withoutClassDataTheCommandIsTheSameAsBefore() {
		WorkerCommandFactory factory = factory("-Dfoo=bar");
		assertThat(factory.command(2, 2, ClassDataLaunch.NONE)).isEqualTo(factory.command(2, 2));
	}

	@ParameterizedTest
	@ValueSource(strings = { "-XX:SharedArchiveFile=my.jsa", "-XX:AOTCache=app.aot", "-Xshare:off",
			"-XX:AOTMode=off" })
	void userClassDataOptionIsFoundOnTheCommandLine(String option) {
		assertThat(factory(option).userClassDataOption()).isEqualTo(option);
	}

	@Test
	void userClassDataOptionIsFoundInTheEffectiveOptionsAndWorkerJvmArgs() {
		assertThat(new WorkerCommandFactory(master(), List.of("-XX:SharedArchiveFile=env.jsa"), List.of(), true, true)
			.userClassDataOption()).isEqualTo("-XX:SharedArchiveFile=env.jsa");
		assertThat(new WorkerCommandFactory(master(), List.of(), List.of("-XX:AOTCache=w.aot"), true, true)
			.userClassDataOption()).isEqualTo("-XX:AOTCache=w.aot");
	}

	@Test
	void archiveOutputOptionsAreNoUserClassData() {
		assertThat(factory("-XX:ArchiveClassesAtExit=app.jsa", "-Xshare:auto").userClassDataOption()).isNull();
	}

	@Test
	void workerJvmOptionsAreTheOptionsBeforeTheTarget() {
		WorkerCommandFactory factory = new WorkerCommandFactory(JavaCommandLine.parse(JAVA, List.of("-Dfoo=bar", "-jar", "app.jar", "--x=y")),
				List.of(), List.of("-Xss512k"), true, false);
		assertThat(factory.workerJvmOptions()).containsExactly("-Dfoo=bar", "-XX:+ExitOnOutOfMemoryError", "-Xss512k");
	}

	private static String workerOption(String masterOption, int workerId) {
		List<String> command = factory(masterOption).command(workerId, 4);
		assertThat(command.get(0)).isEqualTo(JAVA);
		return command.get(1);
	}

	private static WorkerCommandFactory factory(String... masterOptions) {
		return new WorkerCommandFactory(master(masterOptions), List.of(), List.of(), true, true);
	}

	private static JavaCommandLine master(String... argv) {
		List<String> command = new ArrayList<>(Arrays.asList(argv));
		if (!command.contains("com.example.App")) {
			command.addAll(List.of("-jar", "app.jar"));
		}
		return JavaCommandLine.parse(JAVA, command);
	}

}
