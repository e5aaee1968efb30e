package io.clusterboot.internal.classdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BootJar}.
 */
class BootJarTests {

	@TempDir
	Path temp;

	@Test
	void extractWritesTheApplicationJarAndItsLibrariesInClassPathOrder() throws IOException {
		BootJar bootJar = BootJar.read(TestJars.bootJar(this.temp.resolve("app.jar"), "1"));
		assertThat(bootJar).isNotNull();
		Path applicationJar = bootJar.extract(this.temp.resolve("extracted"));
		assertThat(applicationJar).isEqualTo(this.temp.resolve("extracted/app.jar"));
		try (JarFile file = new JarFile(applicationJar.toFile())) {
			Attributes attributes = file.getManifest().getMainAttributes();
			assertThat(attributes.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo("com.example.App");
			assertThat(attributes.getValue(Attributes.Name.CLASS_PATH)).isEqualTo("lib/b.jar lib/a.jar");
			assertThat(attributes.getValue("Implementation-Title")).isEqualTo("example");
			assertThat(attributes.getValue("Start-Class")).isNull();
			assertThat(attributes.getValue("Spring-Boot-Classpath-Index")).isNull();
		}
		assertThat(TestJars.entries(applicationJar)).containsEntry("com/example/App.class", "class App 1")
			.containsEntry("application.properties", "cluster.workers=2")
			.containsEntry("META-INF/maven/com.example/example/pom.properties", "version=1")
			.containsKey("com/")
			.doesNotContainKeys("org/springframework/boot/loader/launch/JarLauncher.class", "BOOT-INF/classpath.idx",
					"BOOT-INF/lib/a.jar");
		assertThat(Files.readAllBytes(this.temp.resolve("extracted/lib/a.jar"))).isEqualTo(TestJars.library("a"));
		assertThat(Files.readAllBytes(this.temp.resolve("extracted/lib/b.jar"))).isEqualTo(TestJars.library("b"));
	}

	@Test
	void theApplicationJarIsStoredUncompressed() throws IOException {
		BootJar bootJar = BootJar.read(TestJars.bootJar(this.temp.resolve("app.jar"), "1"));
		Path applicationJar = bootJar.extract(this.temp.resolve("extracted"));
		try (JarFile file = new JarFile(applicationJar.toFile())) {
			assertThat(file.getEntry("com/example/App.class").getMethod()).isEqualTo(ZipEntry.STORED);
		}
	}

	@Test
	void aPlainJarIsNotExtracted() throws IOException {
		assertThat(BootJar.read(TestJars.plainJar(this.temp.resolve("plain.jar"), "x"))).isNull();
	}

	@Test
	void aJarWithoutManifestIsNotExtracted() throws IOException {
		Path jar = this.temp.resolve("bare.jar");
		try (JarOutputStream output = new JarOutputStream(Files.newOutputStream(jar))) {
			output.putNextEntry(new ZipEntry("a.txt"));
		}
		assertThat(BootJar.read(jar)).isNull();
	}

	@Test
	void aJarStartedByThePropertiesLauncherCannotBeExtracted() throws IOException {
		Path jar = TestJars.bootJar(this.temp.resolve("app.jar"), "1",
				"org.springframework.boot.loader.launch.PropertiesLauncher");
		assertThatExceptionOfType(BootJar.NotExtractableException.class).isThrownBy(() -> BootJar.read(jar))
			.withMessageContaining("PropertiesLauncher");
	}

	@Test
	void startClassIsTheApplicationsMainClass() throws IOException {
		BootJar bootJar = BootJar.read(TestJars.bootJar(this.temp.resolve("app.jar"), "1"));
		assertThat(bootJar.startClass()).isEqualTo("com.example.App");
	}

}
