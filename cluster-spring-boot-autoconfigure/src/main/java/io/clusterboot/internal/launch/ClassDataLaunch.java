package io.clusterboot.internal.launch;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How one worker launch uses class data: the launch target it runs instead of the
 * master's (the extracted form of a Spring Boot jar), the JVM options that map or record
 * the archive, and the file the worker is asked to write an archive to.
 *
 * @param target what the launcher starts instead of the master's target, or empty for
 * the master's own
 * @param jvmOptions JVM options added after every other option
 * @param dumpFile the file this worker is to write a class-data archive to, or
 * {@code null}
 * @since 0.1.0
 */
public record ClassDataLaunch(List<String> target, List<String> jvmOptions, @Nullable String dumpFile) {

	/**
	 * A launch exactly as without class data.
	 */
	public static final ClassDataLaunch NONE = new ClassDataLaunch(List.of(), List.of(), null);

	public ClassDataLaunch {
		target = List.copyOf(target);
		jvmOptions = List.copyOf(jvmOptions);
	}

}
