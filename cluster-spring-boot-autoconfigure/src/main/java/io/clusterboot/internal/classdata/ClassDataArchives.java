package io.clusterboot.internal.classdata;

import java.io.File;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.launch.ClassDataLaunch;
import io.clusterboot.internal.launch.ClassDataSource;
import io.clusterboot.internal.launch.JavaCommandLine;
import io.clusterboot.internal.launch.WorkerCommandFactory;

/**
 * The master's class data for its workers. For each build of the application (the
 * content of its jar, or of every jar of its class path) and each JVM, one worker writes
 * a dynamic CDS archive of the classes it loaded up to Spring Boot's training point; the
 * master checks the archive, moves it into its cache, and starts every later worker from
 * it. A Spring Boot jar is extracted once per build first, since the JVM archives only
 * classes loaded from plain jars. Whether the build changed is checked before every
 * launch, so a new jar at the same path gets an archive of its own. Whatever goes wrong,
 * a worker starts as it would without class data, and the log says why, once.
 *
 * @since 0.1.0
 */
public final class ClassDataArchives implements ClassDataSource {

	private static final Log logger = LogFactory.getLog(ClassDataArchives.class);

	static final String CACHE_FOLDER = "cluster-spring-boot";

	/**
	 * Builds of an application kept in the cache: the one running and the one before.
	 */
	static final int BUILDS_KEPT = 2;

	/**
	 * Workers asked to write an archive of one build before the master gives up, when
	 * earlier ones exited before they wrote it.
	 */
	static final int MAX_RECORDINGS = 2;

	private static final String VALIDATED_SUFFIX = ".ok";

	/**
	 * Where the jar's digest is remembered with its size and time, so that a master
	 * reads the jar only when it changed.
	 */
	private static final String DIGEST_MEMO = "jar.sha256";


	private static final Duration STALE_TEMPORARY = Duration.ofMinutes(30);

	private static final List<String> SHAPE_FLAGS = List.of("UseCompressedOops", "UseCompressedClassPointers",
			"UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC", "UseEpsilonGC");

	private static final List<String> SHAPE_PREFIXES = List.of("-XX:ObjectAlignmentInBytes=",
			"-XX:SharedBaseAddress=", "-Xbootclasspath/a:", "--patch-module", "--limit-modules",
			"--upgrade-module-path", "--add-modules");

	private final Path cache;

	private final Application application;

	private final String jvmKey;

	private final List<String> archiveOptions;

	private final ArchiveFormat format;

	/**
	 * Whether the worker that writes an archive is kept from printing a line for every
	 * class the JVM leaves out of it.
	 */
	private final boolean quietRecording;

	private final ArchiveCheck check;

	private final Executor executor;

	private final FileDigests digests = new FileDigests();

	private final Set<String> said = new HashSet<>();

	private @Nullable Build build;

	private List<FileDigests.Signature> failedSignature = List.of();

	private String failure = "";

	ClassDataArchives(Path cache, Application application, String jvmKey, List<String> archiveOptions,
			ArchiveCheck check, Executor executor) {
		this(cache, application, jvmKey, archiveOptions, ArchiveFormat.CDS, false, check, executor);
	}

	ClassDataArchives(Path cache, Application application, String jvmKey, List<String> archiveOptions,
			ArchiveFormat format, boolean quietRecording, ArchiveCheck check, Executor executor) {
		this.format = format;
		this.quietRecording = quietRecording;
		this.cache = cache;
		this.application = application;
		this.jvmKey = jvmKey;
		this.archiveOptions = List.copyOf(archiveOptions);
		this.check = check;
		this.executor = executor;
	}

	/**
	 * The class data of a master's workers: archives for its launch if it can have them,
	 * otherwise none, with one line at INFO saying why.
	 * @param enabled whether {@code cluster.worker.class-data} is {@code auto}
	 * @param directory the cache directory, or {@code null} for the user's cache
	 * @param master the master's command line
	 * @param commands builds the workers' commands
	 * @return the class data
	 */
	public static ClassDataSource create(boolean enabled, @Nullable Path directory, JavaCommandLine master,
			WorkerCommandFactory commands) {
		if (!enabled) {
			logger.debug("Class data for workers is off (cluster.worker.class-data=off)");
			return ClassDataSource.NONE;
		}
		String userOption = commands.userClassDataOption();
		if (userOption != null) {
			logger.info("Workers start without automatic class data: " + userOption
					+ " is set, so they use the class data you chose");
			return ClassDataSource.NONE;
		}
		Object application = Application.of(master);
		if (application instanceof String reason) {
			logger.info("Workers start without class data: " + reason);
			return ClassDataSource.NONE;
		}
		Path cache = (directory != null) ? directory
				: defaultDirectory(System.getProperty("os.name", ""), System.getenv(),
						System.getProperty("user.home", ""));
		String unusable = unusableDirectory(cache);
		if (unusable != null) {
			logger.info("Workers start without class data: " + unusable
					+ " (set cluster.worker.class-data-directory to a directory they may write to)");
			return ClassDataSource.NONE;
		}
		int feature = Runtime.version().feature();
		List<String> workerOptions = commands.workerJvmOptions();
		ArchiveFormat format = ArchiveFormat.of(feature, workerOptions);
		if (feature == 24) {
			logger.info("Java 24: workers start from a CDS dynamic archive, which this JVM still maps; the AOT cache "
					+ "(-XX:AOTCache) is prepared from Java 25 on, which writes it while a worker runs");
		}
		else if (format != ArchiveFormat.forFeature(feature)) {
			logger.info("Java " + feature + ": workers start from a CDS dynamic archive, not an AOT cache: the JVM "
					+ "records an AOT cache only without " + ArchiveFormat.sharingOption(workerOptions)
					+ ", which the workers' options have");
		}
		List<String> options = archiveOptions(workerOptions);
		ClassDataArchives archives = new ClassDataArchives(cache, (Application) application,
				jvmKey(options, feature), options, format, quietRecording(workerOptions),
				ArchiveCheck.jvm(master.getExecutable(), format), (task) -> {
					Thread thread = new Thread(task, "cluster-class-data");
					thread.setDaemon(true);
					thread.start();
				});
		// Hash (and extract) the jar while the master's context starts, not when the
		// first worker is due
		archives.executor.execute(archives::warmUp);
		return archives;
	}

	/**
	 * Prepare the current build ahead of the first launch.
	 */
	synchronized void warmUp() {
		try {
			currentBuild();
		}
		catch (IOException | RuntimeException ex) {
			// Said when the first worker is launched
		}
	}

	/**
	 * The user's cache directory for class data: {@code $XDG_CACHE_HOME} or
	 * {@code ~/.cache} on Linux, {@code ~/Library/Caches} on macOS,
	 * {@code %LOCALAPPDATA%} on Windows, each with a folder of its own.
	 * @param osName the {@code os.name} system property
	 * @param environment the environment
	 * @param userHome the user's home directory
	 * @return the directory
	 */
	static Path defaultDirectory(String osName, Map<String, String> environment, String userHome) {
		String os = osName.toLowerCase(Locale.ROOT);
		if (os.startsWith("windows")) {
			String local = environment.get("LOCALAPPDATA");
			return ((local != null && !local.isBlank()) ? Path.of(local) : Path.of(userHome, "AppData", "Local"))
				.resolve(CACHE_FOLDER);
		}
		if (os.startsWith("mac")) {
			return Path.of(userHome, "Library", "Caches", CACHE_FOLDER);
		}
		String xdg = environment.get("XDG_CACHE_HOME");
		if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
			return Path.of(xdg, CACHE_FOLDER);
		}
		return Path.of(userHome, ".cache", CACHE_FOLDER);
	}

	private static @Nullable String unusableDirectory(Path cache) {
		try {
			Files.createDirectories(cache);
		}
		catch (IOException | RuntimeException ex) {
			return "the class data cache " + cache + " cannot be created (" + ex.getMessage() + ")";
		}
		if (!Files.isWritable(cache)) {
			return "the class data cache " + cache + " is not writable";
		}
		return null;
	}

	/**
	 * Whether the worker that writes an archive is kept from printing a line for each
	 * class the JVM leaves out: unless the user asked for the JVM's class data logging.
	 */
	static boolean quietRecording(List<String> workerOptions) {
		return workerOptions.stream().noneMatch(ClassDataArchives::logsClassData);
	}

	/**
	 * Whether an option selects the JVM's class data logging: {@code -Xlog} alone, or
	 * {@code -Xlog:} with a selection of the {@code cds}, {@code aot} or {@code all} tags
	 * (its output and decorations, after the next colon, do not count).
	 */
	static boolean logsClassData(String option) {
		if (option.equals("-Xlog")) {
			return true;
		}
		if (!option.startsWith("-Xlog:")) {
			return false;
		}
		String selections = option.substring("-Xlog:".length());
		int colon = selections.indexOf(':');
		for (String selection : ((colon >= 0) ? selections.substring(0, colon) : selections).split(",")) {
			String tags = selection.split("=", 2)[0];
			for (String tag : tags.split("\\+")) {
				String name = tag.replace("*", "");
				if (name.equals("cds") || name.equals("aot") || name.equals("all")) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The options, among a worker's, that decide whether the JVM can map an archive
	 * written under other options: the layout of objects and classes, the collector, the
	 * modules.
	 */
	static List<String> archiveOptions(List<String> workerOptions) {
		List<String> options = new ArrayList<>();
		for (int i = 0; i < workerOptions.size(); i++) {
			String option = workerOptions.get(i);
			boolean flag = option.startsWith("-XX:+") || option.startsWith("-XX:-");
			if (flag && SHAPE_FLAGS.contains(option.substring(5))) {
				options.add(option);
			}
			else if (SHAPE_PREFIXES.stream().anyMatch(option::startsWith)) {
				options.add(option);
				if (!option.contains("=") && !option.contains(":") && i + 1 < workerOptions.size()) {
					options.add(workerOptions.get(++i));
				}
			}
		}
		return options;
	}

	/**
	 * What names the JVM in an archive's file name: an archive fits only the JVM that
	 * wrote it (same installation, same build) under the same shaping options.
	 */
	static String jvmKey(List<String> archiveOptions, int feature) {
		String identity = String.join("\n", System.getProperty("java.home", ""),
				System.getProperty("java.vm.version", ""), System.getProperty("java.vm.vendor", ""),
				System.getProperty("os.arch", ""), String.join(" ", archiveOptions));
		return "jdk" + feature + "-" + FileDigests.sha256(identity).substring(0, 12);
	}

	// ---------------------------------------------------------------- per launch

	@Override
	public synchronized ClassDataLaunch prepare() {
		Build build;
		try {
			build = currentBuild();
		}
		catch (IOException | RuntimeException ex) {
			this.failure = (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
			build = null;
		}
		if (build == null) {
			sayOnce("Workers start without class data: " + this.application.describe() + " could not be prepared ("
					+ this.failure + ")");
			return ClassDataLaunch.NONE;
		}
		if (!build.checked) {
			build.checked = true;
			checkExisting(build);
		}
		if (isValidated(build.archive)) {
			if (!build.announced) {
				build.announced = true;
				logger.info("Workers start from class data archive " + build.archive + " ("
						+ build.describePreparation() + ")");
			}
			return new ClassDataLaunch(build.target, this.format.useOptions(build.archive), null);
		}
		if (build.recorder == null && !build.failed && build.recordings < MAX_RECORDINGS) {
			build.recordings++;
			String file = build.archive + "." + ProcessHandle.current().pid() + "-" + build.recordings + ".tmp";
			ClassDataLaunch recorder = new ClassDataLaunch(build.target,
					this.format.recordOptions(file, this.quietRecording), file);
			build.recorder = recorder;
			if (build.recordings == 1) {
				logger.info("Preparing class data for workers (" + build.describePreparation()
						+ "): the next worker writes " + build.archive
						+ " before its web server starts, once for this build and JVM");
			}
			return recorder;
		}
		return new ClassDataLaunch(build.target, List.of(), null);
	}

	@Override
	public void dumped(ClassDataLaunch launch, long pauseMillis, @Nullable String failure) {
		Build build;
		synchronized (this) {
			build = recordingBuild(launch);
			if (build == null) {
				delete(launch.dumpFile());
				return;
			}
			build.reported = true;
			if (failure != null) {
				build.recorder = null;
				build.failed = true;
				delete(launch.dumpFile());
				logger.info("Workers start without class data: the worker asked to write " + build.archive
						+ " could not (" + failure + ")");
				return;
			}
		}
		this.executor.execute(() -> install(build, launch, pauseMillis));
	}

	@Override
	public synchronized void exited(ClassDataLaunch launch, int exitCode) {
		Build build = recordingBuild(launch);
		if (build != null && !build.reported) {
			// It exited before it wrote the archive: another worker may try
			build.recorder = null;
			delete(launch.dumpFile());
			if (build.recordings >= MAX_RECORDINGS) {
				logger.info("Workers start without class data: " + MAX_RECORDINGS
						+ " workers asked to write it exited first (the last with exit code " + exitCode + ")");
			}
		}
	}

	private @Nullable Build recordingBuild(ClassDataLaunch launch) {
		Build build = this.build;
		return (launch.dumpFile() != null && build != null && build.recorder == launch) ? build : null;
	}

	/**
	 * Check a fresh archive, then move it where workers find it: a worker never starts
	 * from an archive that is still being written or that the JVM refuses.
	 */
	private void install(Build build, ClassDataLaunch launch, long pauseMillis) {
		Path written = Path.of(launch.dumpFile());
		long started = System.nanoTime();
		String unusable = this.check.check(written, build.classPath, this.archiveOptions);
		long checkMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		try {
			if (unusable == null) {
				Files.move(written, build.archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
				markValidated(build.archive);
				logger.info("Class data archive " + build.archive + " is ready (" + megabytes(build.archive)
						+ ", written in " + pauseMillis + "ms at the training point of its worker, checked in "
						+ checkMillis + "ms); workers started from now on use it");
			}
			else {
				logger.info("Workers start without class data: the archive the worker wrote is unusable, "
						+ unusable);
			}
		}
		catch (IOException | RuntimeException ex) {
			unusable = ex.toString();
			logger.info("Workers start without class data: the archive could not be moved to " + build.archive
					+ " (" + ex.getMessage() + ")");
		}
		finally {
			delete(written.toString());
		}
		synchronized (this) {
			build.recorder = null;
			build.failed = unusable != null;
		}
	}

	/**
	 * An archive found in the cache is used only once it passed the check, and again
	 * whenever it changed since: a damaged one is deleted and written again.
	 */
	private void checkExisting(Build build) {
		if (!Files.isRegularFile(build.archive) || isValidated(build.archive)) {
			return;
		}
		long started = System.nanoTime();
		String unusable = this.check.check(build.archive, build.classPath, this.archiveOptions);
		build.checkMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		if (unusable == null) {
			markValidated(build.archive);
			return;
		}
		logger.info("Class data archive " + build.archive + " is not used: " + unusable + "; a worker writes it again");
		delete(build.archive.toString());
		delete(build.archive + VALIDATED_SUFFIX);
	}

	private static boolean isValidated(Path archive) {
		try {
			String mark = Files.readString(Path.of(archive + VALIDATED_SUFFIX)).trim();
			return mark.equals(signature(archive));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void markValidated(Path archive) {
		try {
			Path mark = Path.of(archive + VALIDATED_SUFFIX);
			Path temporary = Path.of(mark + "." + ProcessHandle.current().pid() + ".tmp");
			Files.writeString(temporary, signature(archive) + "\n");
			Files.move(temporary, mark, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			logger.debug("Could not mark " + archive + " as checked", ex);
		}
	}

	private static String signature(Path archive) throws IOException {
		FileDigests.Signature signature = FileDigests.Signature.of(archive);
		return signature.size() + " " + signature.modifiedMillis();
	}

	// ---------------------------------------------------------------- builds

	/**
	 * The build the next worker runs: the one already prepared unless the application's
	 * jars changed, else a new one (extracted if it is a Spring Boot jar).
	 */
	private @Nullable Build currentBuild() throws IOException {
		List<FileDigests.Signature> signature = new ArrayList<>();
		for (Path input : this.application.inputs()) {
			signature.add(FileDigests.Signature.of(input));
		}
		Build current = this.build;
		if (current != null && current.signature.equals(signature)) {
			return current;
		}
		if (signature.equals(this.failedSignature)) {
			return null;
		}
		long started = System.nanoTime();
		String key = contentKey();
		if (current != null && current.key.equals(key)) {
			current.signature = signature;
			return current;
		}
		try {
			Build next = prepareBuild(key, signature);
			next.prepareMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			this.build = next;
			if (current != null) {
				logger.info("New build of " + this.application.describe() + " (" + key + "): workers started "
						+ "from now on run it, with class data of their own");
			}
			return next;
		}
		catch (IOException | RuntimeException ex) {
			this.failedSignature = signature;
			this.failure = (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
			throw ex;
		}
	}

	private String contentKey() throws IOException {
		List<Path> inputs = this.application.inputs();
		if (inputs.size() == 1) {
			Path memo = this.cache.resolve(this.application.name()).resolve(DIGEST_MEMO);
			return this.digests.digest(inputs.get(0), memo).substring(0, 16);
		}
		StringBuilder all = new StringBuilder();
		for (Path input : inputs) {
			all.append(input.getFileName()).append(' ').append(this.digests.digest(input)).append('\n');
		}
		return FileDigests.sha256(all.toString()).substring(0, 16);
	}

	private Build prepareBuild(String key, List<FileDigests.Signature> signature) throws IOException {
		Path applicationDirectory = this.cache.resolve(this.application.name());
		Path directory = applicationDirectory.resolve(key);
		BootJar bootJar = this.application.bootJar();
		List<String> target;
		String classPath;
		long extractMillis = -1;
		if (bootJar != null) {
			Path applicationJar = directory.resolve(BootJar.APPLICATION_JAR);
			if (!Files.isRegularFile(applicationJar)) {
				long started = System.nanoTime();
				extract(bootJar, applicationDirectory, directory);
				extractMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			}
			target = List.of("-jar", applicationJar.toString());
			classPath = applicationJar.toString();
		}
		else {
			Files.createDirectories(directory);
			target = List.of();
			classPath = this.application.classPath();
		}
		Files.setLastModifiedTime(directory, FileTime.from(Instant.now()));
		prune(applicationDirectory, directory);
		Build build = new Build(key, directory, target, classPath, directory.resolve(this.format.fileName(this.jvmKey)),
				signature);
		build.extractMillis = extractMillis;
		return build;
	}

	/**
	 * Extract a Spring Boot jar into a directory of its own first, then rename it into
	 * place, so that no worker ever runs a half-written layout and two masters starting
	 * at once do not mix theirs.
	 */
	private static void extract(BootJar bootJar, Path applicationDirectory, Path directory) throws IOException {
		Files.createDirectories(applicationDirectory);
		if (Files.exists(directory)) {
			// Left incomplete by someone else: only a complete layout has an app.jar
			deleteRecursively(directory);
		}
		Path temporary = Files.createTempDirectory(applicationDirectory, "." + directory.getFileName() + ".");
		try {
			bootJar.extract(temporary);
			try {
				Files.move(temporary, directory, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, directory);
			}
		}
		catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
			// Another master extracted the same build at the same time
			if (!Files.isRegularFile(directory.resolve(BootJar.APPLICATION_JAR))) {
				throw ex;
			}
		}
		finally {
			if (Files.exists(temporary)) {
				deleteRecursively(temporary);
			}
		}
	}

	/**
	 * Keep the newest builds of the application, the current one always among them, and
	 * delete extractions that were abandoned half-way.
	 */
	static void prune(Path applicationDirectory, Path current) {
		List<Path> builds = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(applicationDirectory)) {
			for (Path entry : entries) {
				if (!Files.isDirectory(entry) || entry.equals(current)) {
					continue;
				}
				if (entry.getFileName().toString().startsWith(".")) {
					if (modified(entry).plus(STALE_TEMPORARY).isBefore(Instant.now())) {
						deleteRecursively(entry);
					}
					continue;
				}
				builds.add(entry);
			}
		}
		catch (IOException ex) {
			logger.debug("Could not list the builds in " + applicationDirectory, ex);
			return;
		}
		builds.sort(Comparator.comparing(ClassDataArchives::modified).reversed());
		for (Path old : builds.subList(Math.min(builds.size(), BUILDS_KEPT - 1), builds.size())) {
			logger.debug("Deleting the class data of an old build: " + old);
			deleteRecursively(old);
		}
	}

	private static Instant modified(Path path) {
		try {
			return Files.getLastModifiedTime(path).toInstant();
		}
		catch (IOException ex) {
			return Instant.EPOCH;
		}
	}

	private static void deleteRecursively(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not delete " + directory, ex);
		}
	}

	private static void delete(@Nullable String file) {
		if (file != null) {
			try {
				Files.deleteIfExists(Path.of(file));
			}
			catch (IOException ex) {
				logger.debug("Could not delete " + file, ex);
			}
		}
	}

	private static String megabytes(Path file) {
		try {
			return String.format(Locale.ROOT, "%.1f MB", Files.size(file) / 1048576.0);
		}
		catch (IOException ex) {
			return "size unknown";
		}
	}

	private void sayOnce(String message) {
		if (this.said.add(message)) {
			logger.info(message);
		}
	}

	/**
	 * The master's current build: where its files are and how its workers run it.
	 */
	private static final class Build {

		final String key;

		final Path directory;

		final List<String> target;

		final String classPath;

		final Path archive;

		List<FileDigests.Signature> signature;

		@Nullable ClassDataLaunch recorder;

		int recordings;

		boolean reported;

		boolean failed;

		boolean checked;

		boolean announced;

		long prepareMillis;

		long extractMillis = -1;

		long checkMillis = -1;

		Build(String key, Path directory, List<String> target, String classPath, Path archive,
				List<FileDigests.Signature> signature) {
			this.key = key;
			this.directory = directory;
			this.target = target;
			this.classPath = classPath;
			this.archive = archive;
			this.signature = signature;
		}

		String describePreparation() {
			StringBuilder description = new StringBuilder("build " + this.key);
			if (this.extractMillis >= 0) {
				description.append(", jar extracted in ").append(this.extractMillis).append("ms");
			}
			description.append(", prepared in ").append(this.prepareMillis).append("ms");
			if (this.checkMillis >= 0) {
				description.append(", archive checked in ").append(this.checkMillis).append("ms");
			}
			return description.toString();
		}

	}

	/**
	 * What the master runs, as far as class data goes: a Spring Boot jar to extract, or
	 * plain jars to archive as they are.
	 *
	 * @param name the application's folder in the cache
	 * @param inputs the files whose content makes a build
	 * @param classPath the class path of the workers
	 * @param bootJar the Spring Boot jar to extract, or {@code null}
	 */
	record Application(String name, List<Path> inputs, String classPath, @Nullable BootJar bootJar) {

		/**
		 * The application a command line launches, or why it cannot have class data.
		 * @return an {@link Application} or the reason as a {@link String}
		 */
		static Object of(JavaCommandLine master) {
			List<String> target = master.getTarget();
			if (target.isEmpty()) {
				return "the main class is in an argument file, which the master does not read";
			}
			String first = target.get(0);
			if (first.equals("-m") || first.equals("--module") || first.startsWith("--module=")) {
				return "the application runs as a module (" + String.join(" ", target)
						+ "); class data is prepared for a jar or a class path of jars";
			}
			if (first.equals("-jar")) {
				return ofJar(Path.of(target.get(1)).toAbsolutePath().normalize());
			}
			if (first.endsWith(".java")) {
				return "the application is a source file";
			}
			return ofClassPath(first, classPath(master.getJvmOptions()));
		}

		private static Object ofJar(Path jar) {
			BootJar bootJar;
			try {
				bootJar = BootJar.read(jar);
			}
			catch (BootJar.NotExtractableException ex) {
				return ex.getMessage();
			}
			catch (IOException ex) {
				return jar + " cannot be read (" + ex.getMessage() + ")";
			}
			String fileName = jar.getFileName().toString();
			String base = fileName.endsWith(".jar") ? fileName.substring(0, fileName.length() - 4) : fileName;
			return new Application(folder(base, jar.toString()), List.of(jar), jar.toString(), bootJar);
		}

		private static Object ofClassPath(String mainClass, @Nullable String classPath) {
			if (classPath == null) {
				classPath = System.getenv().getOrDefault("CLASSPATH", ".");
			}
			List<Path> jars = new ArrayList<>();
			for (String entry : classPath.split(File.pathSeparator)) {
				if (entry.isEmpty()) {
					continue;
				}
				Path path = Path.of(entry).toAbsolutePath().normalize();
				if (entry.endsWith("*")) {
					return "the class path has a wildcard (" + entry + ")";
				}
				if (Files.isDirectory(path)) {
					return "the class path has directories (" + entry + "), whose classes the JVM cannot archive, as "
							+ "when an IDE or 'mvn spring-boot:run' runs target/classes; a packaged jar gets class data";
				}
				if (!Files.isRegularFile(path)) {
					return "the class path names " + entry + ", which is not a file";
				}
				jars.add(path);
			}
			if (jars.isEmpty()) {
				return "the class path is empty";
			}
			String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
			return new Application(folder(simpleName, mainClass + File.pathSeparator + System.getProperty("user.dir")),
					List.copyOf(jars), classPath, null);
		}

		private static @Nullable String classPath(List<String> options) {
			String classPath = null;
			for (int i = 0; i + 1 < options.size(); i++) {
				String option = options.get(i);
				if (option.equals("-cp") || option.equals("-classpath") || option.equals("--class-path")) {
					classPath = options.get(i + 1);
				}
			}
			for (String option : options) {
				if (option.startsWith("--class-path=")) {
					classPath = option.substring("--class-path=".length());
				}
			}
			return classPath;
		}

		private static String folder(String base, String identity) {
			String safe = base.replaceAll("[^A-Za-z0-9._-]", "_");
			return safe + "-" + FileDigests.sha256(identity).substring(0, 8);
		}

		String describe() {
			return (this.bootJar != null || this.inputs.size() == 1) ? this.inputs.get(0).toString()
					: "the class path of " + this.inputs.size() + " jars";
		}

	}

}
