package io.clusterboot.internal.master;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.clusterboot.server.PortSharing;
import io.clusterboot.supervisor.SupervisorSettings;

/**
 * How the master runs, as the auto-configuration maps it from the {@code cluster.*}
 * properties.
 *
 * @param supervisor how the supervisor runs the workers
 * @param pidFile where to write the master's pid, or {@code null}
 * @param maxFrameSize the largest IPC frame either side may send, in bytes
 * @param handshakeTimeout how long a new IPC connection has to introduce itself
 * @param workerJvmArgs JVM options added for workers only
 * @param exitOnOutOfMemoryError whether workers exit when they run out of memory
 * @param heapShare whether workers get a fair share of the memory limit
 * @param portSharing how the workers share the port
 * @param warnWorkerLocalState whether to warn about state each worker keeps a copy of
 * @param classData whether workers start from class data the master prepares
 * @param classDataDirectory where the master keeps class data, or {@code null} for the
 * user's cache directory
 * @since 0.1.0
 */
public record MasterSettings(SupervisorSettings supervisor, @Nullable Path pidFile, int maxFrameSize,
		Duration handshakeTimeout, List<String> workerJvmArgs, boolean exitOnOutOfMemoryError, boolean heapShare,
		PortSharing portSharing, boolean warnWorkerLocalState, boolean classData, @Nullable Path classDataDirectory) {

}
