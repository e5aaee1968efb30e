package io.clusterboot.internal.classdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FileDigests}.
 */
class FileDigestsTests {

	private static final String SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	@TempDir
	Path temp;

	@Test
	void digestIsTheSha256OfTheContent() throws IOException {
		Path file = Files.writeString(this.temp.resolve("app.jar"), "abc");
		assertThat(new FileDigests().digest(file)).isEqualTo(SHA256_OF_ABC);
	}

	@Test
	void anUnchangedFileIsNotReadAgain() throws IOException {
		Path file = Files.writeString(this.temp.resolve("app.jar"), "abc");
		FileTime time = Files.getLastModifiedTime(file);
		FileDigests digests = new FileDigests();
		digests.digest(file);
		// Same size and time, other content: only a digest that was remembered is this one
		Files.writeString(file, "xyz");
		Files.setLastModifiedTime(file, time);
		assertThat(digests.digest(file)).isEqualTo(SHA256_OF_ABC);
	}

	@Test
	void aChangedFileIsReadAgain() throws IOException {
		Path file = Files.writeString(this.temp.resolve("app.jar"), "abc");
		FileDigests digests = new FileDigests();
		digests.digest(file);
		Files.writeString(file, "abcd");
		assertThat(digests.digest(file)).isNotEqualTo(SHA256_OF_ABC).isEqualTo(FileDigests.sha256(file));
	}

	@Test
	void theMemoIsWrittenAndTrustedByTheNextMasterWhileTheFileIsUnchanged() throws IOException {
		Path file = Files.writeString(this.temp.resolve("app.jar"), "abc");
		Path memo = this.temp.resolve("cache/app/jar.sha256");
		assertThat(new FileDigests().digest(file, memo)).isEqualTo(SHA256_OF_ABC);
		assertThat(Files.readString(memo)).startsWith(file.toAbsolutePath() + "\n").contains(SHA256_OF_ABC);
		FileTime time = Files.getLastModifiedTime(file);
		Files.writeString(file, "xyz");
		Files.setLastModifiedTime(file, time);
		assertThat(new FileDigests().digest(file, memo)).isEqualTo(SHA256_OF_ABC);
		Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
		assertThat(new FileDigests().digest(file, memo)).isEqualTo(FileDigests.sha256(file));
	}

}
