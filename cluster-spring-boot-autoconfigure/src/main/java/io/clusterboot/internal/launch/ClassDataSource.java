package io.clusterboot.internal.launch;

import org.jspecify.annotations.Nullable;

/**
 * Decides, for each worker about to be launched, how it uses class data, and hears what
 * became of the launches it decided.
 *
 * @since 0.1.0
 */
public interface ClassDataSource {

	/**
	 * Launch every worker exactly as without class data.
	 */
	ClassDataSource NONE = new ClassDataSource() {

		@Override
		public ClassDataLaunch prepare() {
			return ClassDataLaunch.NONE;
		}

	};

	/**
	 * How the worker about to be launched uses class data. Called on the supervisor's
	 * thread right before each launch, so that a new build at the same path is seen.
	 * @return the launch's class data, {@link ClassDataLaunch#NONE} for none
	 */
	ClassDataLaunch prepare();

	/**
	 * A worker asked to write an archive has done so, or could not.
	 * @param launch the worker's launch
	 * @param pauseMillis how long writing took
	 * @param failure why there is no archive, or {@code null}
	 */
	default void dumped(ClassDataLaunch launch, long pauseMillis, @Nullable String failure) {
	}

	/**
	 * A worker launched with {@code launch} has exited.
	 * @param launch the worker's launch
	 * @param exitCode its exit code
	 */
	default void exited(ClassDataLaunch launch, int exitCode) {
	}

}
