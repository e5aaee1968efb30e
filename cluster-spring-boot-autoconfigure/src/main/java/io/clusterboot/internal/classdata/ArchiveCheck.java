package io.clusterboot.internal.classdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Checks that the JVM can map a class-data archive for a class path before any worker
 * relies on it.
 */
@FunctionalInterface
interface ArchiveCheck {

	/**
	 * Check an archive.
	 * @param archive the archive
	 * @param classPath the class path the archive was written for
	 * @param options the JVM options that decide whether an archive fits
	 * @return why the archive cannot be used, or {@code null} if it can
	 */
	@Nullable String check(Path archive, String classPath, List<String> options);

	/**
	 * Run {@code java -Xshare:on -XX:+VerifySharedSpaces -XX:SharedArchiveFile=archive
	 * -cp classPath -version} (for an AOT cache {@code -XX:AOTMode=on} and
	 * {@code -XX:AOTCache=}): with sharing required the JVM refuses to start unless it
	 * maps the archive, and it compares the archive's checksums, so an archive written
	 * for another JVM, other jars or other options, or damaged anywhere, fails here and
	 * not in a worker (which, under the default {@code -Xshare:auto}, would ignore a bad
	 * header but map a damaged body). It takes a few hundred milliseconds of one core.
	 * @param java the java executable the workers run
	 * @param format the kind of archive
	 * @return the check
	 */
	static ArchiveCheck jvm(String java, ArchiveFormat format) {
		return (archive, classPath, options) -> {
			List<String> command = new ArrayList<>();
			command.add(java);
			command.addAll(format.checkOptions(archive));
			command.addAll(options);
			command.add("-cp");
			command.add(classPath);
			command.add("-version");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				process.getOutputStream().close();
				byte[] output = process.getInputStream().readAllBytes();
				if (!process.waitFor(60, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					return "the check of the archive did not finish within 60s";
				}
				if (process.exitValue() == 0) {
					return null;
				}
				String text = new String(output, StandardCharsets.UTF_8).lines()
					.map(String::strip)
					.filter((line) -> !line.isEmpty() && !line.startsWith("Error occurred during initialization"))
					.limit(2)
					.collect(Collectors.joining(" "));
				return "the JVM cannot map it: " + (text.isEmpty() ? "exit code " + process.exitValue() : text);
			}
			catch (IOException ex) {
				return "the check of the archive could not run: " + ex.getMessage();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "the check of the archive was interrupted";
			}
		};
	}

}
