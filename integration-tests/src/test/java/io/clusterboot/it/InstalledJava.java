package io.clusterboot.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code java} executable and its feature version: the test's own, or one installed
 * beside it in {@code /usr/lib/jvm}, for tests of what newer JVMs do.
 *
 * @param executable the {@code java} executable
 * @param version its feature version
 */
record InstalledJava(String executable, int version) {

	private static final Path JVMS = Path.of("/usr/lib/jvm");

	/**
	 * The Java of a Java home, if it is one.
	 * @param home the home
	 * @return the Java, or empty
	 * @throws IOException if its release file cannot be read
	 */
	static Optional<InstalledJava> of(Path home) throws IOException {
		Path java = home.resolve("bin/java");
		Path release = home.resolve("release");
		if (Files.isExecutable(java) && Files.isRegularFile(release)) {
			Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
			if (version.find()) {
				return Optional.of(new InstalledJava(java.toString(), Integer.parseInt(version.group(1))));
			}
		}
		return Optional.empty();
	}

	/**
	 * The newest Java installed beside the test's, or the test's own if it is the newest.
	 * @return the Java
	 * @throws IOException if the installed ones cannot be listed
	 */
	static InstalledJava newest() throws IOException {
		InstalledJava newest = new InstalledJava(ClusterProcess.java(), Runtime.version().feature());
		if (Files.isDirectory(JVMS)) {
			try (DirectoryStream<Path> homes = Files.newDirectoryStream(JVMS)) {
				for (Path home : homes) {
					Optional<InstalledJava> java = of(home);
					if (java.isPresent() && java.get().version() > newest.version()) {
						newest = java.get();
					}
				}
			}
		}
		return newest;
	}

}
