package io.clusterboot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load harness run as a process of its own, so that it can run inside a network
 * namespace with the cluster. It stops by itself after at most five minutes; the test
 * normally stops it earlier and reads its report.
 */
public final class LoadProcess implements AutoCloseable {

	private final Process process;

	private final CompletableFuture<String> output;

	private LoadProcess(Process process) {
		this.process = process;
		this.output = CompletableFuture.supplyAsync(() -> {
			try {
				return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	/**
	 * Start loading {@code http://127.0.0.1:port/}.
	 * @param prefix a command prefix (a network namespace), or empty
	 * @param port the cluster's port
	 * @param mode {@code keep-alive} or {@code new-connection}
	 * @param connections the number of concurrent connections
	 * @param pause the pause of each connection between requests
	 */
	public static LoadProcess start(List<String> prefix, int port, String mode, int connections, Duration pause) {
		List<String> command = new ArrayList<>(prefix);
		command.addAll(List.of(ClusterProcess.java(), "-XX:TieredStopAtLevel=1", "-jar",
				System.getProperty("cluster.it.load-harness.jar"), "--url", "http://127.0.0.1:" + port + "/", "--mode",
				mode, "--connections", Integer.toString(connections), "--pause", pause.toMillis() + "ms", "--duration",
				"5m", "--read-timeout", "20s", "--format", "tsv"));
		try {
			return new LoadProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Stop the load and read the harness's report.
	 * @return the report's columns by name
	 */
	public Map<String, String> stop() {
		try {
			// SIGTERM through the handle: Process.destroy() would close the stream the report comes on
			this.process.toHandle().destroy();
			String tsv = this.output.get(60, TimeUnit.SECONDS).trim();
			String[] lines = tsv.split("\n");
			if (lines.length < 2) {
				throw new AssertionError("The load harness printed no report: " + tsv);
			}
			String[] names = lines[lines.length - 2].split("\t", -1);
			String[] values = lines[lines.length - 1].split("\t", -1);
			Map<String, String> report = new LinkedHashMap<>();
			for (int i = 0; i < names.length; i++) {
				report.put(names[i], (i < values.length) ? values[i] : "");
			}
			System.out.println("Load report: " + report);
			return report;
		}
		catch (Exception ex) {
			throw new AssertionError("Could not read the load harness's report", ex);
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
