package io.clusterboot.internal.classdata;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.clusterboot.internal.launch.ClassDataLaunch;
import io.clusterboot.internal.launch.JavaCommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClassDataArchives}.
 */
class ClassDataArchivesTests {

	private static final String JVM_KEY = "jdk17-0123456789ab";

	@TempDir
	Path temp;

	private final List<Path> checked = new ArrayList<>();

	private @Nullable String checkFailure;

	private int versions = 1;

	@Test
	void theFirstWorkerOfABuildRecordsFromTheExtractedJar() throws IOException {
		ClassDataArchives archives = archives(TestJars.bootJar(this.temp.resolve("app/app.jar"), "1"));
		ClassDataLaunch launch = archives.prepare();
		assertThat(launch.jvmOptions()).containsExactly("-XX:+RecordDynamicDumpInfo");
		assertThat(launch.target()).hasSize(2).first().isEqualTo("-jar");
		Path applicationJar = Path.of(launch.target().get(1));
		assertThat(applicationJar.getFileName()).hasToString("app.jar");
		assertThat(applicationJar.getParent().getParent().getParent()).isEqualTo(cache());
		assertThat(applicationJar.resolveSibling("lib/a.jar")).isRegularFile();
		assertThat(launch.dumpFile()).startsWith(applicationJar.resolveSibling(JVM_KEY + ".jsa.").toString())
			.endsWith(".tmp");
	}

	@Test
	void otherWorkersStartWhileTheFirstRecordsRunTheExtractedJarWithoutArchive() throws IOException {
		ClassDataArchives archives = archives(TestJars.bootJar(this.temp.resolve("app/app.jar"), "1"));
		ClassDataLaunch recorder = archives.prepare();
		ClassDataLaunch other = archives.prepare();
		assertThat(other.target()).isEqualTo(recorder.target());
		assertThat(other.jvmOptions()).isEmpty();
		assertThat(other.dumpFile()).isNull();
	}

	@Test
	void aWrittenArchiveIsCheckedThenUsedByLaterWorkers() throws IOException {
		ClassDataArchives archives = archives(TestJars.bootJar(this.temp.resolve("app/app.jar"), "1"));
		ClassDataLaunch recorder = archives.prepare();
		dump(archives, recorder);
		Path archive = Path.of(recorder.target().get(1)).resolveSibling(JVM_KEY + ".jsa");
		assertThat(this.checked).hasSize(1);
		assertThat(archive).isRegularFile();
		assertThat(Path.of(recorder.dumpFile())).doesNotExist();
		ClassDataLaunch next = archives.prepare();
		assertThat(next.jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + archive);
		assertThat(next.target()).isEqualTo(recorder.target());
		assertThat(next.dumpFile()).isNull();
	}

	@Test
	void theNextMasterUsesTheArchiveWithoutCheckingItAgain() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app/app.jar"), "1");
		ClassDataArchives first = archives(jar);
		dump(first, first.prepare());
		this.checked.clear();
		ClassDataLaunch launch = archives(jar).prepare();
		assertThat(launch.jvmOptions()).singleElement().asString().startsWith("-XX:SharedArchiveFile=");
		assertThat(this.checked).isEmpty();
	}

	@Test
	void aChangedArchiveIsCheckedAgainAndWrittenAgainIfTheJvmRefusesIt() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app/app.jar"), "1");
		ClassDataArchives first = archives(jar);
		ClassDataLaunch recorder = first.prepare();
		dump(first, recorder);
		Path archive = Path.of(recorder.target().get(1)).resolveSibling(JVM_KEY + ".jsa");
		Files.writeString(archive, "garbage, longer than what was there");
		this.checkFailure = "the JVM cannot map it: bad magic";
		ClassDataLaunch launch = archives(jar).prepare();
		assertThat(this.checked).containsExactly(Path.of(recorder.dumpFile()), archive);
		assertThat(archive).doesNotExist();
		assertThat(launch.jvmOptions()).containsExactly("-XX:+RecordDynamicDumpInfo");
	}

	@Test
	void anArchiveTheCheckRefusesIsNotUsedAndNotWrittenAgainByThisMaster() throws IOException {
		ClassDataArchives archives = archives(TestJars.bootJar(this.temp.resolve("app/app.jar"), "1"));
		this.checkFailure = "the JVM cannot map it";
		ClassDataLaunch recorder = archives.prepare();
		dump(archives, recorder);
		assertThat(Path.of(recorder.target().get(1)).resolveSibling(JVM_KEY + ".jsa")).doesNotExist();
		ClassDataLaunch next = archives.prepare();
		assertThat(next.jvmOptions()).isEmpty();
		assertThat(next.target()).isEqualTo(recorder.target());
	}

	@Test
	void aWorkerThatCouldNotDumpEndsTheRecordingsOfThisBuild() throws IOException {
		ClassDataArchives archives = archives(TestJars.bootJar(this.temp.resolve("app/app.jar"), "1"));
		ClassDataLaunch recorder = archives.prepare();
		archives.dumped(recorder, 5, "-XX:+RecordDynamicDumpInfo is required");
		archives.exited(recorder, 0);
		ClassDataLaunch next = archives.prepare();
		assertThat(next.jvmOptions()).isEmpty();
		assertThat(next.dumpFile()).isNull();
	}

	@Test
	void aRecorderThatExitsBeforeItDumpedIsReplacedOnce() throws IOException {
		ClassDataArchives archives = archives(TestJars.bootJar(this.temp.resolve("app/app.jar"), "1"));
		ClassDataLaunch first = archives.prepare();
		archives.exited(first, 1);
		ClassDataLaunch second = archives.prepare();
		assertThat(second.dumpFile()).isNotNull().isNotEqualTo(first.dumpFile());
		archives.exited(second, 1);
		assertThat(archives.prepare().dumpFile()).isNull();
	}

	@Test
	void aNewJarAtTheSamePathIsANewBuildWithItsOwnExtractionAndArchive() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app/app.jar"), "1");
		ClassDataArchives archives = archives(jar);
		ClassDataLaunch first = archives.prepare();
		dump(archives, first);
		assertThat(archives.prepare().jvmOptions()).singleElement().asString().startsWith("-XX:SharedArchiveFile=");
		newVersion(jar, "2");
		ClassDataLaunch second = archives.prepare();
		assertThat(second.target().get(1)).isNotEqualTo(first.target().get(1));
		assertThat(TestJars.entries(Path.of(second.target().get(1)))).containsEntry("com/example/App.class",
				"class App 2");
		assertThat(second.jvmOptions()).containsExactly("-XX:+RecordDynamicDumpInfo");
	}

	@Test
	void theSameContentWrittenAgainIsTheSameBuild() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app/app.jar"), "1");
		ClassDataArchives archives = archives(jar);
		ClassDataLaunch first = archives.prepare();
		dump(archives, first);
		newVersion(jar, "1");
		ClassDataLaunch again = archives.prepare();
		assertThat(again.target()).isEqualTo(first.target());
		assertThat(again.jvmOptions()).singleElement().asString().startsWith("-XX:SharedArchiveFile=");
	}

	@Test
	void aDumpOfAnOlderBuildIsDiscarded() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app/app.jar"), "1");
		ClassDataArchives archives = archives(jar);
		ClassDataLaunch old = archives.prepare();
		newVersion(jar, "2");
		ClassDataLaunch current = archives.prepare();
		dump(archives, old);
		assertThat(Path.of(old.target().get(1)).resolveSibling(JVM_KEY + ".jsa")).doesNotExist();
		assertThat(Path.of(old.dumpFile())).doesNotExist();
		assertThat(current.dumpFile()).isNotNull();
	}

	@Test
	void onlyTheTwoNewestBuildsOfAnApplicationAreKept() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app/app.jar"), "1");
		ClassDataArchives archives = archives(jar);
		Path first = buildDirectory(archives.prepare());
		for (String version : List.of("2", "3")) {
			Files.setLastModifiedTime(first, FileTime.from(Instant.now().minusSeconds(60)));
			newVersion(jar, version);
			archives.prepare();
		}
		try (Stream<Path> builds = Files.list(first.getParent())) {
			assertThat(builds.filter(Files::isDirectory).map((path) -> path.getFileName().toString())).hasSize(2)
				.doesNotContain(first.getFileName().toString());
		}
	}

	@Test
	void twoApplicationsNeverShareABuild() throws IOException {
		Path one = TestJars.bootJar(this.temp.resolve("one/app.jar"), "1");
		Path two = TestJars.bootJar(this.temp.resolve("two/app.jar"), "1");
		assertThat(buildDirectory(archives(one).prepare()).getParent())
			.isNotEqualTo(buildDirectory(archives(two).prepare()).getParent());
	}

	@Test
	void aClassPathOfJarsIsArchivedAsItIs() throws IOException {
		Path a = TestJars.plainJar(this.temp.resolve("lib/a.jar"), "a");
		Path b = TestJars.plainJar(this.temp.resolve("lib/b.jar"), "b");
		Object application = ClassDataArchives.Application.of(JavaCommandLine.parse("java",
				List.of("-Xss1m", "-cp", a + File.pathSeparator + b, "com.example.Main", "--x=1")));
		assertThat(application).isInstanceOf(ClassDataArchives.Application.class);
		ClassDataArchives archives = new ClassDataArchives(cache(), (ClassDataArchives.Application) application,
				JVM_KEY, List.of(), this::check, Runnable::run);
		ClassDataLaunch launch = archives.prepare();
		assertThat(launch.target()).isEmpty();
		assertThat(launch.jvmOptions()).containsExactly("-XX:+RecordDynamicDumpInfo");
		dump(archives, launch);
		assertThat(archives.prepare().jvmOptions()).singleElement().asString().startsWith("-XX:SharedArchiveFile=");
		TestJars.plainJar(b, "b changed");
		assertThat(archives.prepare().jvmOptions()).containsExactly("-XX:+RecordDynamicDumpInfo");
	}

	@Test
	void aPlainJarRunsAsItIs() throws IOException {
		Path jar = TestJars.plainJar(this.temp.resolve("plain.jar"), "x");
		ClassDataLaunch launch = archives(jar).prepare();
		assertThat(launch.target()).isEmpty();
		assertThat(launch.jvmOptions()).containsExactly("-XX:+RecordDynamicDumpInfo");
	}

	@Test
	void aClassPathWithADirectoryGetsNoClassData() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("target/classes"));
		Path jar = TestJars.plainJar(this.temp.resolve("lib/a.jar"), "a");
		Object application = ClassDataArchives.Application.of(JavaCommandLine.parse("java",
				List.of("-cp", classes + File.pathSeparator + jar, "com.example.Main")));
		assertThat(application).asString()
			.startsWith("the class path has directories (" + classes + "), whose classes the JVM cannot archive");
	}

	@Test
	void aModuleGetsNoClassData() {
		assertThat(ClassDataArchives.Application.of(JavaCommandLine.parse("java", List.of("-m", "app/com.example.Main"))))
			.asString()
			.startsWith("the application runs as a module");
	}

	@Test
	void aMissingJarIsSaidOnceAndLaunchesAsWithout() throws IOException {
		Path jar = TestJars.plainJar(this.temp.resolve("plain.jar"), "x");
		ClassDataArchives archives = archives(jar);
		Files.delete(jar);
		assertThat(archives.prepare()).isEqualTo(ClassDataLaunch.NONE);
		assertThat(archives.prepare()).isEqualTo(ClassDataLaunch.NONE);
	}

	@Test
	void theJvmKeyChangesWithTheOptionsThatShapeAnArchive() {
		assertThat(ClassDataArchives.jvmKey(List.of(), 17)).startsWith("jdk17-")
			.isEqualTo(ClassDataArchives.jvmKey(List.of(), 17))
			.isNotEqualTo(ClassDataArchives.jvmKey(List.of("-XX:-UseCompressedOops"), 17));
	}

	@Test
	void archiveOptionsAreTheOnesThatShapeAnArchive() {
		assertThat(ClassDataArchives.archiveOptions(List.of("-Xss1m", "-XX:+UseZGC", "-XX:-UseCompressedOops",
				"-XX:+ExitOnOutOfMemoryError", "--add-modules", "jdk.incubator.vector", "-Dx=y",
				"-XX:ObjectAlignmentInBytes=16", "-XX:MaxRAMPercentage=25.0")))
			.containsExactly("-XX:+UseZGC", "-XX:-UseCompressedOops", "--add-modules", "jdk.incubator.vector",
					"-XX:ObjectAlignmentInBytes=16");
	}

	@Test
	void theRecorderIsQuietAboutClassesLeftOutUnlessTheUserLogsClassData() {
		assertThat(ClassDataArchives.quietRecording(List.of("-Xss1m", "-Xlog:gc:file=gc.log"))).isTrue();
		assertThat(ClassDataArchives.quietRecording(List.of("-Xlog:cds=info"))).isFalse();
		assertThat(ArchiveFormat.CDS.recordOptions("/cache/k.jsa.1-1.tmp", true))
			.containsExactly("-XX:+RecordDynamicDumpInfo", "-Xlog:cds*=error");
		assertThat(ArchiveFormat.CDS.recordOptions("/cache/k.jsa.1-1.tmp", false))
			.containsExactly("-XX:+RecordDynamicDumpInfo");
	}

	@Test
	void fromJava25TheWorkerThatRecordsWritesAnAotCacheThatLaterWorkersStartFrom() throws IOException {
		assertThat(ArchiveFormat.forFeature(17)).isEqualTo(ArchiveFormat.CDS);
		assertThat(ArchiveFormat.forFeature(24)).isEqualTo(ArchiveFormat.CDS);
		assertThat(ArchiveFormat.forFeature(25)).isEqualTo(ArchiveFormat.AOT);
		assertThat(ArchiveFormat.of(25, List.of("-Xss1m"))).isEqualTo(ArchiveFormat.AOT);
		assertThat(ArchiveFormat.of(25, List.of("-Xshare:auto"))).as("refused beside -XX:AOTCacheOutput")
			.isEqualTo(ArchiveFormat.CDS);
		Path jar = TestJars.plainJar(this.temp.resolve("plain.jar"), "x");
		Object application = ClassDataArchives.Application
			.of(JavaCommandLine.parse("java", List.of("-jar", jar.toString())));
		ClassDataArchives archives = new ClassDataArchives(cache(), (ClassDataArchives.Application) application,
				JVM_KEY, List.of(), ArchiveFormat.AOT, true, this::check, Runnable::run);
		ClassDataLaunch recorder = archives.prepare();
		assertThat(recorder.dumpFile()).contains(JVM_KEY + ".aot.").endsWith(".tmp");
		assertThat(recorder.jvmOptions()).containsExactly("-XX:AOTCacheOutput=" + recorder.dumpFile(),
				"-Xlog:aot*=error", "-Xlog:cds*=error");
		dump(archives, recorder);
		assertThat(archives.prepare().jvmOptions()).singleElement()
			.asString()
			.startsWith("-XX:AOTCache=")
			.endsWith(JVM_KEY + ".aot");
		assertThat(ArchiveFormat.AOT.checkOptions(Path.of("/cache/k.aot"))).containsExactly("-XX:AOTMode=on",
				"-XX:+VerifySharedSpaces", "-XX:AOTCache=/cache/k.aot");
	}

	@Test
	void onlyTheTagsOfAnXlogOptionTellWhetherItLogsClassData() {
		assertThat(ClassDataArchives.logsClassData("-Xlog:class+load=info:file=/tmp/cds/classes.log")).isFalse();
		assertThat(ClassDataArchives.logsClassData("-Xlog:gc*:stdout")).isFalse();
		assertThat(ClassDataArchives.logsClassData("-Xlog:cds")).isTrue();
		assertThat(ClassDataArchives.logsClassData("-Xlog:gc,cds+dynamic=debug:file=x.log")).isTrue();
		assertThat(ClassDataArchives.logsClassData("-Xlog:aot*=info")).isTrue();
		assertThat(ClassDataArchives.logsClassData("-Xlog:all=warning:stderr")).isTrue();
		assertThat(ClassDataArchives.logsClassData("-Xlog")).isTrue();
		assertThat(ClassDataArchives.logsClassData("-Xloggc:gc.log")).isFalse();
	}

	@Test
	void defaultDirectoryIsTheUsersCache() {
		assertThat(ClassDataArchives.defaultDirectory("Linux", Map.of(), "/home/duke"))
			.isEqualTo(Path.of("/home/duke/.cache/cluster-spring-boot"));
		assertThat(ClassDataArchives.defaultDirectory("Linux", Map.of("XDG_CACHE_HOME", "/var/cache/duke"),
				"/home/duke"))
			.isEqualTo(Path.of("/var/cache/duke/cluster-spring-boot"));
		assertThat(ClassDataArchives.defaultDirectory("Linux", Map.of("XDG_CACHE_HOME", "relative"), "/home/duke"))
			.isEqualTo(Path.of("/home/duke/.cache/cluster-spring-boot"));
		assertThat(ClassDataArchives.defaultDirectory("Mac OS X", Map.of(), "/Users/duke"))
			.isEqualTo(Path.of("/Users/duke/Library/Caches/cluster-spring-boot"));
		assertThat(ClassDataArchives.defaultDirectory("Windows 11", Map.of("LOCALAPPDATA", "/c/Users/duke/AppData/Local"),
				"/c/Users/duke"))
			.isEqualTo(Path.of("/c/Users/duke/AppData/Local/cluster-spring-boot"));
	}

	private ClassDataArchives archives(Path jar) {
		Object application = ClassDataArchives.Application
			.of(JavaCommandLine.parse("java", List.of("-jar", jar.toString())));
		assertThat(application).isInstanceOf(ClassDataArchives.Application.class);
		return new ClassDataArchives(cache(), (ClassDataArchives.Application) application, JVM_KEY, List.of(),
				this::check, Runnable::run);
	}

	private @Nullable String check(Path archive, String classPath, List<String> options) {
		this.checked.add(archive);
		return this.checkFailure;
	}

	/**
	 * Do what a worker does when asked: write the file, then report.
	 */
	private static void dump(ClassDataArchives archives, ClassDataLaunch launch) throws IOException {
		Files.writeString(Path.of(launch.dumpFile()), "archive of " + launch.dumpFile());
		archives.dumped(launch, 1234, null);
	}

	private static Path buildDirectory(ClassDataLaunch launch) {
		return Path.of(launch.target().get(1)).getParent();
	}

	private void newVersion(Path jar, String version) throws IOException {
		Path next = jar.resolveSibling(jar.getFileName() + ".next");
		TestJars.bootJar(next, version);
		Files.move(next, jar, StandardCopyOption.REPLACE_EXISTING);
		// A new build at least a second later, as a deploy is
		Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(this.versions++)));
	}

	private Path cache() {
		return this.temp.resolve("cache");
	}

}
