package io.clusterboot.internal.classdata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The two kinds of class data a JVM can start from, and how each is written, checked and
 * used: a CDS dynamic archive up to Java 24, the AOT cache from Java 25 on.
 */
enum ArchiveFormat {

	/**
	 * A CDS dynamic archive: the worker runs with {@code -XX:+RecordDynamicDumpInfo} and
	 * writes the archive at its training point with {@code VM.cds dynamic_dump}.
	 */
	CDS(".jsa", "-XX:SharedArchiveFile=", "-Xshare:on", List.of("-XX:+RecordDynamicDumpInfo"),
			List.of("-Xlog:cds*=error")),

	/**
	 * The AOT cache of JEP 483 and 514: the worker runs with
	 * {@code -XX:AOTCacheOutput=<file>}, which records what it loads and links, and
	 * writes the cache at its training point with {@code AOT.end_recording}. It holds
	 * linked classes as well as loaded ones, and starts a JVM sooner than a CDS archive.
	 */
	AOT(".aot", "-XX:AOTCache=", "-XX:AOTMode=on", List.of(), List.of("-Xlog:aot*=error", "-Xlog:cds*=error"));

	private final String suffix;

	private final String useOption;

	private final String requireOption;

	private final List<String> recordOptions;

	private final List<String> quietOptions;

	ArchiveFormat(String suffix, String useOption, String requireOption, List<String> recordOptions,
			List<String> quietOptions) {
		this.suffix = suffix;
		this.useOption = useOption;
		this.requireOption = requireOption;
		this.recordOptions = recordOptions;
		this.quietOptions = quietOptions;
	}

	/**
	 * The format this Java feature release writes at a worker's training point: Java 24
	 * has the AOT cache but writes it only in a separate step or at exit, so it gets a
	 * CDS archive, which it still maps.
	 * @param feature the Java feature release of the workers' JVM
	 * @return the format
	 */
	static ArchiveFormat forFeature(int feature) {
		return (feature >= 25) ? AOT : CDS;
	}

	/**
	 * The format for the workers' JVM and options: the JVM refuses
	 * {@code -XX:AOTCacheOutput} beside any {@code -Xshare:} option, so workers whose
	 * options have one get a CDS archive, which works with {@code -Xshare:auto}.
	 * @param feature the Java feature release of the workers' JVM
	 * @param workerOptions the workers' JVM options
	 * @return the format
	 */
	static ArchiveFormat of(int feature, List<String> workerOptions) {
		ArchiveFormat format = forFeature(feature);
		return (format == AOT && sharingOption(workerOptions) != null) ? CDS : format;
	}

	/**
	 * The workers' {@code -Xshare:} option, if they have one.
	 * @param workerOptions the workers' JVM options
	 * @return the option, or {@code null}
	 */
	static @Nullable String sharingOption(List<String> workerOptions) {
		return workerOptions.stream().filter((option) -> option.startsWith("-Xshare:")).findFirst().orElse(null);
	}

	/**
	 * The archive's file name.
	 * @param key the JVM's key
	 * @return the name
	 */
	String fileName(String key) {
		return key + this.suffix;
	}

	/**
	 * The options of a worker that starts from an archive.
	 * @param archive the archive
	 * @return the options
	 */
	List<String> useOptions(Path archive) {
		return List.of(this.useOption + archive);
	}

	/**
	 * The options of the worker that writes an archive.
	 * @param file where it writes it
	 * @param quiet whether to keep the JVM from printing a line for each class it leaves
	 * out (unless the user asked for the JVM's class data logging)
	 * @return the options
	 */
	List<String> recordOptions(String file, boolean quiet) {
		List<String> options = new ArrayList<>(this.recordOptions);
		if (this == AOT) {
			options.add("-XX:AOTCacheOutput=" + file);
		}
		if (quiet) {
			options.addAll(this.quietOptions);
		}
		return options;
	}

	/**
	 * The options that make a JVM refuse to start unless it maps the archive, and
	 * compare its checksums.
	 * @param archive the archive
	 * @return the options
	 */
	List<String> checkOptions(Path archive) {
		return List.of(this.requireOption, "-XX:+VerifySharedSpaces", this.useOption + archive);
	}

}
