package io.clusterboot.internal.classdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Writes small jars laid out as Spring Boot and plain jars are.
 */
final class TestJars {

	static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

	private static final long TIME = 1_700_000_000_000L;

	private TestJars() {
	}

	/**
	 * A Spring Boot jar of {@code com.example.App} with two libraries, {@code b.jar}
	 * before {@code a.jar} in its class path index.
	 * @param version goes into a class's bytes, so that two versions differ in content
	 */
	static Path bootJar(Path jar, String version) throws IOException {
		return bootJar(jar, version, JAR_LAUNCHER);
	}

	static Path bootJar(Path jar, String version, String launcher) throws IOException {
		Manifest manifest = new Manifest();
		Attributes attributes = manifest.getMainAttributes();
		attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		attributes.put(Attributes.Name.MAIN_CLASS, launcher);
		attributes.putValue("Start-Class", "com.example.App");
		attributes.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
		attributes.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
		attributes.putValue("Spring-Boot-Classpath-Index", "BOOT-INF/classpath.idx");
		attributes.putValue("Implementation-Title", "example");
		Files.createDirectories(jar.getParent());
		try (JarOutputStream output = new JarOutputStream(Files.newOutputStream(jar))) {
			manifest(output, manifest);
			deflated(output, "org/springframework/boot/loader/launch/JarLauncher.class", "launcher");
			deflated(output, "META-INF/maven/com.example/example/pom.properties", "version=" + version);
			directory(output, "BOOT-INF/");
			directory(output, "BOOT-INF/classes/");
			directory(output, "BOOT-INF/classes/com/");
			deflated(output, "BOOT-INF/classes/com/example/App.class", "class App " + version);
			deflated(output, "BOOT-INF/classes/application.properties", "cluster.workers=2");
			stored(output, "BOOT-INF/lib/b.jar", library("b"));
			stored(output, "BOOT-INF/lib/a.jar", library("a"));
			deflated(output, "BOOT-INF/classpath.idx", "- \"BOOT-INF/lib/b.jar\"\n- \"BOOT-INF/lib/a.jar\"\n");
		}
		return jar;
	}

	/**
	 * A plain jar with a main class of its own.
	 */
	static Path plainJar(Path jar, String content) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.Plain");
		Files.createDirectories(jar.getParent());
		try (JarOutputStream output = new JarOutputStream(Files.newOutputStream(jar))) {
			manifest(output, manifest);
			deflated(output, "com/example/Plain.class", content);
		}
		return jar;
	}

	static byte[] library(String name) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarOutputStream output = new JarOutputStream(bytes)) {
			deflated(output, "lib/" + name + "/Library.class", "library " + name);
		}
		return bytes.toByteArray();
	}

	static Map<String, String> entries(Path jar) throws IOException {
		Map<String, String> entries = new TreeMap<>();
		try (JarFile file = new JarFile(jar.toFile())) {
			for (ZipEntry entry : Collections.list(file.entries())) {
				entries.put(entry.getName(),
						new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		return entries;
	}

	private static void manifest(JarOutputStream output, Manifest manifest) throws IOException {
		output.putNextEntry(entry("META-INF/MANIFEST.MF"));
		manifest.write(output);
		output.closeEntry();
	}

	/**
	 * An entry with a fixed time, so that the same content makes the same bytes.
	 */
	private static ZipEntry entry(String name) {
		ZipEntry entry = new ZipEntry(name);
		entry.setTime(TIME);
		return entry;
	}

	private static void directory(JarOutputStream output, String name) throws IOException {
		output.putNextEntry(entry(name));
		output.closeEntry();
	}

	private static void deflated(JarOutputStream output, String name, String content) throws IOException {
		output.putNextEntry(entry(name));
		output.write(content.getBytes(StandardCharsets.UTF_8));
		output.closeEntry();
	}

	private static void stored(JarOutputStream output, String name, byte[] content) throws IOException {
		ZipEntry entry = entry(name);
		entry.setMethod(ZipEntry.STORED);
		entry.setSize(content.length);
		CRC32 crc = new CRC32();
		crc.update(content);
		entry.setCrc(crc.getValue());
		output.putNextEntry(entry);
		output.write(content);
		output.closeEntry();
	}

}
