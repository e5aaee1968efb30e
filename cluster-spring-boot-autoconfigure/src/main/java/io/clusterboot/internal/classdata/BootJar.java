package io.clusterboot.internal.classdata;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.jspecify.annotations.Nullable;

/**
 * A Spring Boot executable jar and its extracted form, the layout Spring Boot documents
 * for {@code java -Djarmode=tools -jar app.jar extract}: an {@code app.jar} holding the
 * application's classes and resources, whose manifest names the application's main class
 * and, as its {@code Class-Path}, the libraries in {@code lib/} in the order of the
 * jar's class path index. The JVM can archive the classes of that layout, loaded from
 * plain jars by its own class loader, but not those of jars nested in another jar.
 */
final class BootJar {

	static final String APPLICATION_JAR = "app.jar";

	static final String LIBRARIES = "lib";

	private static final String CLASSPATH_INDEX = "Spring-Boot-Classpath-Index";

	private static final String START_CLASS = "Start-Class";

	private static final String CLASSES = "Spring-Boot-Classes";

	private static final String LIB = "Spring-Boot-Lib";

	private static final List<String> BOOT_ATTRIBUTES = List.of(START_CLASS, CLASSES, LIB, "Spring-Boot-Lib-Provided",
			CLASSPATH_INDEX, "Spring-Boot-Layers-Index");

	private static final Set<String> SKIPPED = Set.of("META-INF/", JarFile.MANIFEST_NAME,
			"META-INF/services/java.nio.file.spi.FileSystemProvider");

	private static final String LOADER = "org/springframework/boot/loader/";

	private static final String LOADER_PACKAGE = "org.springframework.boot.loader.";

	private final Path jar;

	private final Manifest manifest;

	private final String classesLocation;

	private final String libLocation;

	private final List<String> libraries;

	private BootJar(Path jar, Manifest manifest, String classesLocation, String libLocation, List<String> libraries) {
		this.jar = jar;
		this.manifest = manifest;
		this.classesLocation = classesLocation;
		this.libLocation = libLocation;
		this.libraries = libraries;
	}

	/**
	 * Read a jar that {@code java -jar} runs.
	 * @param jar the jar
	 * @return the Spring Boot jar, or {@code null} if it is a plain jar whose classes the
	 * JVM loads itself
	 * @throws NotExtractableException if it is a Spring Boot jar this class cannot lay
	 * out for the JVM's class loader
	 * @throws IOException if the jar cannot be read
	 */
	static @Nullable BootJar read(Path jar) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			if (manifest == null) {
				return null;
			}
			Attributes attributes = manifest.getMainAttributes();
			String mainClass = attributes.getValue(Attributes.Name.MAIN_CLASS);
			if (mainClass == null || !mainClass.startsWith(LOADER_PACKAGE)) {
				return null;
			}
			if (!mainClass.endsWith(".JarLauncher")) {
				throw new NotExtractableException(
						jar.getFileName() + " is started by " + mainClass + ", whose class path only it knows");
			}
			String startClass = attributes.getValue(START_CLASS);
			String index = attributes.getValue(CLASSPATH_INDEX);
			ZipEntry indexEntry = (index != null) ? file.getEntry(index) : null;
			if (startClass == null || indexEntry == null) {
				throw new NotExtractableException(jar.getFileName() + " has no " + START_CLASS + " or class path index");
			}
			List<String> libraries = new ArrayList<>();
			try (InputStream input = file.getInputStream(indexEntry)) {
				for (String line : new String(input.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
					String entry = line.strip();
					if (entry.startsWith("- \"") && entry.endsWith("\"")) {
						libraries.add(entry.substring(3, entry.length() - 1));
					}
				}
			}
			return new BootJar(jar, manifest, location(attributes, CLASSES, "BOOT-INF/classes/"),
					location(attributes, LIB, "BOOT-INF/lib/"), libraries);
		}
	}

	private static String location(Attributes attributes, String name, String fallback) {
		String location = attributes.getValue(name);
		if (location == null || location.isEmpty()) {
			return fallback;
		}
		return location.endsWith("/") ? location : location + "/";
	}

	/**
	 * The application's main class.
	 * @return the {@code Start-Class}
	 */
	String startClass() {
		return this.manifest.getMainAttributes().getValue(START_CLASS);
	}

	/**
	 * Write the extracted layout into a directory.
	 * @param directory an empty or missing directory
	 * @return the application jar to run with {@code java -jar}
	 * @throws IOException if the jar cannot be read or the layout written
	 */
	Path extract(Path directory) throws IOException {
		Files.createDirectories(directory.resolve(LIBRARIES));
		Set<String> libraries = new HashSet<>(this.libraries);
		List<String> classPath = new ArrayList<>();
		Path application = directory.resolve(APPLICATION_JAR);
		try (JarFile file = new JarFile(this.jar.toFile())) {
			for (String library : this.libraries) {
				ZipEntry entry = file.getEntry(library);
				String name = library.substring(library.lastIndexOf('/') + 1);
				if (entry == null || !library.startsWith(this.libLocation)) {
					throw new IOException("the class path index names " + library + ", which is not in the jar");
				}
				// Nested jars are stored, not compressed: this is a plain copy
				try (InputStream input = file.getInputStream(entry)) {
					Files.copy(input, directory.resolve(LIBRARIES).resolve(name));
				}
				classPath.add(encode(LIBRARIES + "/" + name));
			}
			try (JarOutputStream output = new JarOutputStream(Files.newOutputStream(application),
					launcherManifest(classPath))) {
				Set<String> written = new HashSet<>(SKIPPED);
				Enumeration<JarEntry> entries = file.entries();
				while (entries.hasMoreElements()) {
					ZipEntry entry = entries.nextElement();
					String name = applicationEntryName(entry.getName(), libraries);
					if (name != null && written.add(name)) {
						copy(file, entry, name, output);
					}
				}
			}
		}
		return application;
	}

	/**
	 * Where an entry of the Spring Boot jar goes in the application jar.
	 * @return its name there, or {@code null} if it stays out
	 */
	private @Nullable String applicationEntryName(String name, Set<String> libraries) {
		if (SKIPPED.contains(name) || libraries.contains(name) || name.startsWith(this.libLocation)
				|| name.startsWith(LOADER) || name.startsWith("BOOT-INF/") && !name.startsWith(this.classesLocation)) {
			return null;
		}
		if (name.startsWith(this.classesLocation)) {
			String stripped = name.substring(this.classesLocation.length());
			return stripped.isEmpty() ? null : stripped;
		}
		return name.startsWith("META-INF/") ? name : null;
	}

	/**
	 * Copy one entry stored, not compressed: the JVM reads it faster and its size and CRC
	 * are known from the original.
	 */
	private static void copy(JarFile file, ZipEntry entry, String name, JarOutputStream output) throws IOException {
		ZipEntry copy = new ZipEntry(name);
		copy.setMethod(ZipEntry.STORED);
		copy.setTime(entry.getTime());
		if (entry.isDirectory()) {
			copy.setSize(0);
			copy.setCrc(0);
			output.putNextEntry(copy);
		}
		else {
			copy.setSize(entry.getSize());
			copy.setCompressedSize(entry.getSize());
			copy.setCrc(entry.getCrc());
			output.putNextEntry(copy);
			try (InputStream input = file.getInputStream(entry)) {
				input.transferTo(output);
			}
		}
		output.closeEntry();
	}

	private Manifest launcherManifest(List<String> classPath) {
		Manifest manifest = new Manifest(this.manifest);
		Attributes attributes = manifest.getMainAttributes();
		String startClass = startClass();
		BOOT_ATTRIBUTES.forEach((name) -> attributes.remove(new Attributes.Name(name)));
		attributes.put(Attributes.Name.MAIN_CLASS, startClass);
		attributes.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
		return manifest;
	}

	private static String encode(String path) {
		try {
			return new URI(null, null, path, null).getRawPath();
		}
		catch (URISyntaxException ex) {
			return path;
		}
	}

	/**
	 * A Spring Boot jar whose class path only its own launcher knows.
	 */
	static final class NotExtractableException extends IOException {

		NotExtractableException(String message) {
			super(message);
		}

	}

}
