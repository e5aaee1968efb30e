package io.clusterboot.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A cgroup of the test's own with a CPU limit, the one a container runtime sets for
 * {@code docker run --cpus} or a Kubernetes CPU limit, for a program started through
 * its {@link #prefix()}. Needs root and the cgroup {@code cpu} controller (v1 or v2);
 * where they are missing, {@link #create} says why and returns nothing.
 */
final class CpuLimit implements AutoCloseable {

	private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

	private static final int PERIOD = 100_000;

	private final Path directory;

	private CpuLimit(Path directory) {
		this.directory = directory;
	}

	/**
	 * Create a cgroup limited to {@code cpus} processors' worth of time.
	 */
	static Optional<CpuLimit> create(int cpus) {
		String name = "cluster-it-" + UUID.randomUUID().toString().substring(0, 8);
		Path version1 = CGROUPS.resolve("cpu");
		Path version2 = CGROUPS.resolve("cgroup.subtree_control");
		try {
			if (Files.isRegularFile(version1.resolve("cpu.cfs_quota_us"))) {
				CpuLimit limit = new CpuLimit(Files.createDirectory(version1.resolve(name)));
				return Optional.of(limit.set("cpu.cfs_period_us", Integer.toString(PERIOD))
					.set("cpu.cfs_quota_us", Integer.toString(cpus * PERIOD)));
			}
			if (Files.isRegularFile(version2)
					&& Arrays.asList(Files.readString(version2).trim().split("\\s+")).contains("cpu")) {
				CpuLimit limit = new CpuLimit(Files.createDirectory(CGROUPS.resolve(name)));
				return Optional.of(limit.set("cpu.max", (cpus * PERIOD) + " " + PERIOD));
			}
			System.out.println("No cgroup cpu controller to limit the CPU with at " + CGROUPS);
		}
		catch (IOException ex) {
			System.out.println("Cannot create a cgroup with a CPU limit (" + ex + "); it needs root and the cgroup "
					+ "cpu controller");
		}
		return Optional.empty();
	}

	private CpuLimit set(String file, String value) throws IOException {
		try {
			Files.writeString(this.directory.resolve(file), value);
			return this;
		}
		catch (IOException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * The command prefix that runs a program inside the cgroup.
	 */
	List<String> prefix() {
		return List.of("sh", "-c", "echo $$ > " + this.directory.resolve("cgroup.procs") + " && exec \"$@\"", "sh");
	}

	/**
	 * The cgroup's path, as {@code /proc/<pid>/cgroup} shows it.
	 */
	String name() {
		return "/" + this.directory.getFileName();
	}

	/**
	 * Remove the cgroup, waiting a little for its last processes to be gone.
	 */
	@Override
	public void close() {
		for (int attempt = 0; attempt < 50; attempt++) {
			try {
				Files.deleteIfExists(this.directory);
				return;
			}
			catch (IOException ex) {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		System.out.println("Could not remove cgroup " + this.directory);
	}

	@Override
	public String toString() {
		return this.directory.toString();
	}

}
