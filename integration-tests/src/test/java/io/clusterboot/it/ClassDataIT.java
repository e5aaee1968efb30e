package io.clusterboot.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Class data for workers in real clusters of one worker: the first start of a build has
 * a worker write an archive, later starts and workers run from it, a new build at the
 * same path gets its own, a damaged archive never stops a worker, and {@code off}
 * launches workers as before. The tests share one cache, in the order they are written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassDataIT extends AbstractClusterIT {

	private static final String SHARED_CLASS = "source: shared objects file (top)";

	@TempDir
	static Path temp;

	private static Path archive;

	@Test
	@Order(1)
	void theFirstStartWritesAnArchiveAndTheSecondStartsItsWorkerFromIt() throws IOException {
		Path jar = jar();
		this.cluster = start(jar, List.of()).awaitReady();
		Matcher ready = this.cluster.awaitOutput("Class data archive (\\S+) is ready \\(", Duration.ofSeconds(60));
		archive = Path.of(ready.group(1));
		assertThat(archive).isRegularFile().startsWith(cache());
		assertThat(this.cluster.outputText()).contains("Preparing class data for workers");
		long recorder = this.cluster.workerPid(1);
		assertThat(commandLine(recorder)).contains("-XX:+RecordDynamicDumpInfo")
			.containsSequence("-jar", archive.resolveSibling("app.jar").toString());
		this.cluster.close();

		Path classLoading = temp.resolve("class-load.log");
		this.cluster = start(jar, List.of("-Xlog:class+load=info:file=" + classLoading)).awaitReady();
		assertThat(this.cluster.outputText()).contains("Workers start from class data archive " + archive);
		long worker = this.cluster.workerPid(1);
		assertThat(commandLine(worker)).contains("-XX:SharedArchiveFile=" + archive)
			.containsSequence("-jar", archive.resolveSibling("app.jar").toString())
			.doesNotContain("-XX:+RecordDynamicDumpInfo");
		assertThat(this.cluster.get("/").get("pid").asLong()).isEqualTo(worker);
		String workerClasses = Files.readString(temp.resolve("class-load-worker1.log"));
		assertThat(workerClasses).contains("io.clusterboot.it.app.TestApplication " + SHARED_CLASS)
			.contains("org.springframework.context.ApplicationContext " + SHARED_CLASS);
	}

	@Test
	@Order(2)
	void aNewBuildDeployedAtTheSamePathGetsItsOwnArchiveAtTheRollingRestart() throws IOException {
		Path jar = jar();
		this.cluster = start(jar, List.of()).awaitReady();
		long old = this.cluster.workerPid(1);
		assertThat(commandLine(old)).contains("-XX:SharedArchiveFile=" + archive);
		deployNewBuild(jar);
		this.cluster.signal(this.cluster.masterPid(), "HUP");
		long replacement = this.cluster.awaitNewWorker(1, old);
		this.cluster.awaitOutput("New build of " + jar);
		Matcher ready = this.cluster.awaitOutput("Class data archive (\\S+) is ready \\(", Duration.ofSeconds(60));
		Path newArchive = Path.of(ready.group(1));
		assertThat(newArchive).isNotEqualTo(archive).isRegularFile();
		assertThat(newArchive.getParent()).isNotEqualTo(archive.getParent());
		assertThat(commandLine(replacement)).contains("-XX:+RecordDynamicDumpInfo")
			.containsSequence("-jar", newArchive.resolveSibling("app.jar").toString());
		assertThat(archive).as("the previous build is one of the two kept").isRegularFile();
		archive = newArchive;
	}

	@Test
	@Order(3)
	void aDamagedArchiveIsNotUsedAndTheWorkerServes() throws IOException {
		Files.write(archive, "not an archive".repeat(1000).getBytes(StandardCharsets.UTF_8));
		this.cluster = start(jar(), List.of()).awaitReady();
		assertThat(this.cluster.outputText()).contains("Class data archive " + archive + " is not used: ");
		long worker = this.cluster.workerPid(1);
		assertThat(commandLine(worker)).noneMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile"));
		assertThat(this.cluster.get("/").get("pid").asLong()).isEqualTo(worker);
	}

	@Test
	@Order(4)
	void offLaunchesWorkersExactlyAsTheMaster() throws IOException {
		Path jar = jar();
		Path unused = temp.resolve("unused-cache");
		this.cluster = ClusterProcess
			.startCopyOfJar(List.of("-Dapp.marker=off"), jar, "--cluster.workers=1", "--cluster.worker.class-data=off",
					"--cluster.worker.class-data-directory=" + unused)
			.awaitReady();
		List<String> master = commandLine(this.cluster.masterPid());
		List<String> worker = commandLine(this.cluster.workerPid(1));
		assertThat(worker).startsWith(master.subList(0, master.indexOf("-jar")).toArray(String[]::new))
			.containsSequence("-jar", jar.toString())
			.endsWith(master.subList(master.indexOf("-jar"), master.size()).toArray(String[]::new))
			.noneMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile")
					|| argument.equals("-XX:+RecordDynamicDumpInfo"));
		assertThat(unused).doesNotExist();
	}

	@Test
	@Order(5)
	void fromJava25TheWorkersStartFromAnAotCache() throws IOException {
		InstalledJava java = InstalledJava.newest();
		assumeTrue(java.version() >= 25, "needs a Java 25 or later beside the test's");
		Path jar = jar();
		Path aotCache = temp.resolve("cache-aot");
		this.cluster = ClusterProcess.startCopyOfJar(java.executable(), List.of(), jar, "--cluster.workers=1",
				"--cluster.worker.class-data=auto", "--cluster.worker.class-data-directory=" + aotCache)
			.awaitReady();
		Matcher ready = this.cluster.awaitOutput("Class data archive (\\S+) is ready \\(", Duration.ofSeconds(90));
		Path cache = Path.of(ready.group(1));
		assertThat(cache).isRegularFile().startsWith(aotCache);
		assertThat(cache.getFileName().toString()).startsWith("jdk" + java.version() + "-").endsWith(".aot");
		assertThat(commandLine(this.cluster.workerPid(1)))
			.anyMatch((argument) -> argument.startsWith("-XX:AOTCacheOutput="));
		this.cluster.close();

		this.cluster = ClusterProcess.startCopyOfJar(java.executable(), List.of(), jar, "--cluster.workers=1",
				"--cluster.worker.class-data=auto", "--cluster.worker.class-data-directory=" + aotCache)
			.awaitReady();
		assertThat(this.cluster.outputText()).contains("Workers start from class data archive " + cache);
		long worker = this.cluster.workerPid(1);
		assertThat(commandLine(worker)).contains("-XX:AOTCache=" + cache)
			.noneMatch((argument) -> argument.startsWith("-XX:AOTCacheOutput="));
		assertThat(this.cluster.get("/").get("pid").asLong()).isEqualTo(worker);
	}

	@Test
	@Order(6)
	void springBootsOwnClassDataRecipeStartsTheMasterAndItsWorkersFromOneArchive() throws Exception {
		Path extracted = temp.resolve("extracted");
		Process extract = new ProcessBuilder(ClusterProcess.java(), "-Djarmode=tools", "-jar", jar().toString(),
				"extract", "--destination", extracted.toString())
			.redirectErrorStream(true)
			.redirectOutput(temp.resolve("extract.log").toFile())
			.start();
		assertThat(extract.waitFor()).as(Files.readString(temp.resolve("extract.log"))).isZero();
		Path application = extracted.resolve("app.jar");
		Path userArchive = extracted.resolve("application.jsa");
		this.cluster = ClusterProcess.startCopyOfJar(List.of("-XX:ArchiveClassesAtExit=" + userArchive,
				"-Dspring.context.exit=onRefresh"), application, "--cluster.workers=2");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(90))).as("the training run's exit code").isZero();
		assertThat(this.cluster.outputText()).contains("spring.context.exit is set (onRefresh): a training run")
			.doesNotContain("Forked");
		assertThat(userArchive).isRegularFile();
		this.cluster.close();

		Path classLoading = temp.resolve("user-archive-class-load.log");
		this.cluster = ClusterProcess.startCopyOfJar(List.of("-XX:SharedArchiveFile=" + userArchive,
				"-Xlog:class+load=info:file=" + classLoading), application, "--cluster.workers=1",
				"--cluster.worker.class-data=auto", "--cluster.worker.class-data-directory=" + cache())
			.awaitReady();
		assertThat(this.cluster.outputText()).contains("Workers start without automatic class data: "
				+ "-XX:SharedArchiveFile=" + userArchive + " is set");
		assertThat(commandLine(this.cluster.workerPid(1))).contains("-XX:SharedArchiveFile=" + userArchive);
		assertThat(Files.readString(classLoading)).as("the master's classes")
			.contains("org.springframework.boot.SpringApplication " + SHARED_CLASS);
		assertThat(Files.readString(temp.resolve("user-archive-class-load-worker1.log"))).as("the worker's classes")
			.contains("io.clusterboot.it.app.TestApplication " + SHARED_CLASS);
	}

	private static ClusterProcess start(Path jar, List<String> jvmOptions) {
		return ClusterProcess.startCopyOfJar(jvmOptions, jar, "--cluster.workers=1", "--cluster.worker.class-data=auto",
				"--cluster.worker.class-data-directory=" + cache());
	}

	/**
	 * The test application's jar, copied where a new build can be deployed over it.
	 */
	private static Path jar() throws IOException {
		Path jar = temp.resolve("deploy/app.jar");
		if (!Files.exists(jar)) {
			Files.createDirectories(jar.getParent());
			Files.copy(Path.of(ClusterProcess.jar()), jar);
		}
		return jar;
	}

	private static Path cache() {
		return temp.resolve("cache");
	}

	/**
	 * Deploy a build of other content as the README says: beside the running jar, then
	 * renamed over it. The content differs by the zip comment, which no class reads.
	 */
	private static void deployNewBuild(Path jar) throws IOException {
		byte[] bytes = Files.readAllBytes(jar);
		int end = bytes.length - 22;
		ByteBuffer record = ByteBuffer.wrap(bytes, end, 22).order(ByteOrder.LITTLE_ENDIAN);
		assertThat(record.getInt(end)).as("end of central directory").isEqualTo(0x06054b50);
		assertThat(record.getShort(end + 20)).as("comment length").isZero();
		byte[] comment = ("build " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
		byte[] next = Arrays.copyOf(bytes, bytes.length + comment.length);
		ByteBuffer.wrap(next).order(ByteOrder.LITTLE_ENDIAN).putShort(end + 20, (short) comment.length);
		System.arraycopy(comment, 0, next, bytes.length, comment.length);
		Path staged = jar.resolveSibling("app.jar.next");
		Files.write(staged, next);
		Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * A process's command line as the kernel has it.
	 */
	private static List<String> commandLine(long pid) {
		try {
			String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
			return Stream.of(cmdline.split("\0")).toList();
		}
		catch (IOException ex) {
			throw new AssertionError("No command line for pid " + pid, ex);
		}
	}

}
