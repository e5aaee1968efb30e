package io.clusterboot.internal.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import javax.management.JMException;
import javax.management.ObjectName;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Writes the class-data archive the master asked this worker for at Spring Boot's
 * training point: the application context is refreshed, every singleton exists, and no
 * lifecycle bean has started yet (the web server does not listen), the point
 * {@code -Dspring.context.exit=onRefresh} stops at. It delays only this worker's
 * readiness, once per build, and never pauses a worker that serves.
 */
final class ClassDataDump implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ClassDataDump.class);

	private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

	private final String file;

	private final BiConsumer<Long, @Nullable String> report;

	private volatile boolean done;

	/**
	 * Create a dump.
	 * @param file where to write the archive
	 * @param report receives how long writing took and why it failed, if it did
	 */
	ClassDataDump(String file, BiConsumer<Long, @Nullable String> report) {
		this.file = file;
		this.report = report;
	}

	@Override
	public void start() {
		if (this.done) {
			return;
		}
		this.done = true;
		long started = System.nanoTime();
		String failure = dump(this.file);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		logger.debug("Class data archive " + this.file + ((failure != null) ? " not written: " + failure : " written")
				+ " in " + millis + "ms");
		this.report.accept(millis, failure);
	}

	/**
	 * Write the archive, through the diagnostic command MBean (which JRE images have,
	 * unlike {@code jcmd}): a JVM started with {@code -XX:AOTCacheOutput} (Java 25 and
	 * later) ends its recording, {@code AOT.end_recording}, and writes its AOT cache to
	 * that file; any other writes a dynamic CDS archive of the classes loaded so far,
	 * {@code VM.cds dynamic_dump}.
	 * @param file the archive to write
	 * @return why it was not written, or {@code null}
	 */
	static @Nullable String dump(String file) {
		boolean aot = ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.anyMatch((argument) -> argument.startsWith("-XX:AOTCacheOutput="));
		String output;
		try {
			Object result = ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName(DIAGNOSTIC_COMMAND), aot ? "aotEndRecording" : "vmCds",
						new Object[] { aot ? new String[0] : new String[] { "dynamic_dump", file } },
						new String[] { String[].class.getName() });
			output = (result != null) ? result.toString().trim() : "";
		}
		catch (JMException | RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return "the JVM could not write it (" + cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : "") + ")";
		}
		if (!Files.isRegularFile(Path.of(file))) {
			return output.isEmpty() ? "the JVM wrote no archive" : output.lines().findFirst().orElse(output);
		}
		return null;
	}

	@Override
	public void stop() {
	}

	@Override
	public boolean isRunning() {
		return this.done;
	}

	@Override
	public int getPhase() {
		// Before every other lifecycle bean, the web server's among them
		return Integer.MIN_VALUE;
	}

}
