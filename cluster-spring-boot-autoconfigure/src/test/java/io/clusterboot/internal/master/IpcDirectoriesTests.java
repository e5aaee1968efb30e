package io.clusterboot.internal.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link IpcDirectories}.
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
class IpcDirectoriesTests {

	/**
	 * A pid no process has: above Linux's largest.
	 */
	private static final long DEAD_PID = 99_999_999L;

	@TempDir
	Path base;

	private Path own;

	private final Instant now = Instant.now();

	@BeforeEach
	void createOwnDirectory() throws IOException {
		this.own = Files.createDirectory(this.base.resolve("cluster-" + ProcessHandle.current().pid() + "-own"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
	}

	@Test
	void aDeadMastersOldPrivateDirectoryIsRemoved() throws IOException {
		Path stale = staleDirectory("cluster-" + DEAD_PID + "-abc");
		assertThat(removeStale()).containsExactly(stale.getFileName().toString());
		assertThat(stale).doesNotExist();
		assertThat(this.own).isDirectory();
	}

	@Test
	void aDirectoryWhoseMasterRunsHereIsKept() throws IOException {
		Path live = staleDirectory("cluster-" + ProcessHandle.current().parent().orElseThrow().pid() + "-abc");
		assertThat(removeStale()).isEmpty();
		assertThat(live).isDirectory();
	}

	@Test
	void aDirectoryWhoseMasterStillAcceptsOnItsSocketIsKept() throws IOException {
		// A master alive in another PID namespace: its pid means nothing here
		Path other = staleDirectory("cluster-" + DEAD_PID + "-abc");
		Files.delete(other.resolve(IpcDirectories.SOCKET));
		try (ServerSocketChannel master = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			master.bind(UnixDomainSocketAddress.of(other.resolve(IpcDirectories.SOCKET)));
			age(other);
			assertThat(removeStale()).isEmpty();
			assertThat(other.resolve(IpcDirectories.SOCKET)).exists();
		}
	}

	@Test
	void aSymbolicLinkIsNeverFollowed() throws IOException {
		Path target = staleDirectory("elsewhere");
		Files.writeString(target.resolve("precious"), "data");
		Path link = Files.createSymbolicLink(this.base.resolve("cluster-" + DEAD_PID + "-link"), target);
		assertThat(removeStale()).isEmpty();
		assertThat(link).isSymbolicLink();
		assertThat(target.resolve("precious")).hasContent("data");
	}

	@Test
	void aDirectoryThatIsNotPrivateIsKept() throws IOException {
		Path open = staleDirectory("cluster-" + DEAD_PID + "-abc");
		Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
		age(open);
		assertThat(removeStale()).isEmpty();
		assertThat(open).isDirectory();
	}

	@Test
	void aDirectoryMadeInTheLastMinuteIsKept() throws IOException {
		Path young = staleDirectory("cluster-" + DEAD_PID + "-abc");
		Files.setLastModifiedTime(young, FileTime.from(this.now.minusSeconds(10)));
		assertThat(removeStale()).isEmpty();
		assertThat(young).isDirectory();
	}

	@Test
	void aDirectoryHoldingADirectoryIsKept() throws IOException {
		Path odd = staleDirectory("cluster-" + DEAD_PID + "-abc");
		Files.createDirectory(odd.resolve("nested"));
		age(odd);
		assertThat(removeStale()).isEmpty();
		assertThat(odd.resolve("nested")).isDirectory();
	}

	@Test
	void anotherUsersDirectoryIsKept() throws IOException {
		UserPrincipal nobody;
		try {
			nobody = this.base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
			Path theirs = staleDirectory("cluster-" + DEAD_PID + "-abc");
			Files.setOwner(theirs, nobody);
			age(theirs);
		}
		catch (IOException ex) {
			// Only root can give a file away
			assumeTrue(false, "cannot make a directory of another user here: " + ex);
			return;
		}
		assertThat(removeStale()).isEmpty();
		assertThat(Files.getOwner(this.base.resolve("cluster-" + DEAD_PID + "-abc"), LinkOption.NOFOLLOW_LINKS))
			.isEqualTo(nobody);
	}

	@Test
	void namesThatAreNotAMastersAreIgnored() throws IOException {
		Path notOurs = staleDirectory("cluster-config-abc");
		assertThat(removeStale()).isEmpty();
		assertThat(notOurs).isDirectory();
		assertThat(IpcDirectories.pidOf("cluster-123-xyz")).isEqualTo(123L);
		assertThat(IpcDirectories.pidOf("cluster-x-1")).isNull();
		assertThat(IpcDirectories.pidOf("other-123-x")).isNull();
	}

	@Test
	void createMakesAPrivateDirectoryAndCleansUpBesideIt() throws IOException {
		Path stale = staleDirectory("cluster-" + DEAD_PID + "-abc");
		Path created = IpcDirectories.create(this.base, 4242);
		assertThat(created.getFileName().toString()).startsWith("cluster-4242-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
		assertThat(stale).isDirectory();
		IpcDirectories.cleanUp(this.base, created);
		assertThat(stale).doesNotExist();
		IpcDirectories.delete(created);
		assertThat(created).doesNotExist();
	}

	/**
	 * A directory as a killed master leaves it: private, with its socket file, over a
	 * minute old.
	 */
	private Path staleDirectory(String name) throws IOException {
		Path directory = Files.createDirectory(this.base.resolve(name),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createFile(directory.resolve(IpcDirectories.SOCKET));
		age(directory);
		return directory;
	}

	private void age(Path directory) throws IOException {
		Files.setLastModifiedTime(directory, FileTime.from(this.now.minus(Duration.ofMinutes(5))));
	}

	private java.util.List<String> removeStale() throws IOException {
		return IpcDirectories.removeStale(this.base, this.own, this.now);
	}

}
