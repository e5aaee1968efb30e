package io.clusterboot.internal.master;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The C library's {@code waitpid}, called through the foreign function API of Java 22
 * and later: the one way a JVM can wait for a process it did not start. The starter is
 * compiled for Java 17, so the API is reached by reflection, here and nowhere else.
 */
final class NativeWaitpid implements OrphanReaper.Waitpid {

	/**
	 * The first Java version whose foreign function API is final.
	 */
	static final int FIRST_JAVA = 22;

	private static final int WNOHANG = 1;

	private final MethodHandle waitpid;

	private final Object nullPointer;

	private NativeWaitpid(MethodHandle waitpid, Object nullPointer) {
		this.waitpid = waitpid;
		this.nullPointer = nullPointer;
	}

	/**
	 * Look {@code waitpid} up. On Java 22 to 25 this makes the JVM print, once, that a
	 * restricted method was called, unless native access is enabled for the starter
	 * ({@link #isNativeAccessEnabled()}).
	 * @return the function
	 * @throws UnsupportedOperationException saying why it is not available: a Java older
	 * than 22, native access denied, or no such function
	 */
	static NativeWaitpid load() {
		int java = Runtime.version().feature();
		if (java < FIRST_JAVA) {
			throw new UnsupportedOperationException("Java " + java + " can wait only for the processes it started");
		}
		try {
			Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
			Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
			Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
			Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
			Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
			Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
			Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
			Object linker = linkerType.getMethod("nativeLinker").invoke(null);
			Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
			Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "waitpid");
			if (symbol.isEmpty()) {
				throw new UnsupportedOperationException("the C library has no waitpid function");
			}
			// pid_t waitpid(pid_t pid, int *status, int options)
			Object cInt = valueLayoutType.getField("JAVA_INT").get(null);
			Object[] arguments = (Object[]) Array.newInstance(layoutType, 3);
			arguments[0] = cInt;
			arguments[1] = valueLayoutType.getField("ADDRESS").get(null);
			arguments[2] = cInt;
			Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass())
				.invoke(null, cInt, arguments);
			Object options = Array.newInstance(optionType, 0);
			MethodHandle waitpid = (MethodHandle) linkerType
				.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
				.invoke(linker, symbol.get(), descriptor, options);
			return new NativeWaitpid(waitpid, segmentType.getField("NULL").get(null));
		}
		catch (InvocationTargetException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof IllegalCallerException) {
				throw new UnsupportedOperationException("native access is denied to the starter (" + cause.getMessage()
						+ "); allow it with --enable-native-access=ALL-UNNAMED", cause);
			}
			throw new UnsupportedOperationException("waitpid could not be looked up: " + cause, cause);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			if (ex instanceof UnsupportedOperationException unsupported) {
				throw unsupported;
			}
			throw new UnsupportedOperationException("waitpid could not be looked up: " + ex, ex);
		}
	}

	/**
	 * Whether the JVM lets the starter's module call restricted methods without a warning
	 * ({@code --enable-native-access}).
	 * @return {@code false} before Java 22, or when the JVM will warn
	 */
	static boolean isNativeAccessEnabled() {
		try {
			return (boolean) Module.class.getMethod("isNativeAccessEnabled")
				.invoke(NativeWaitpid.class.getModule());
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return false;
		}
	}

	@Override
	public boolean reap(long pid) {
		try {
			int reaped = (int) this.waitpid.invoke((int) pid, this.nullPointer, WNOHANG);
			return reaped == pid;
		}
		catch (Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			return false;
		}
	}

}
