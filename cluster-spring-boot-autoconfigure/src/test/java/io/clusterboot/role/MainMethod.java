package io.clusterboot.role;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.Environment;

/**
 * Stands for an application's main class: decides the role of an application created
 * the way {@code SpringApplication.run} creates it from a main method.
 */
final class MainMethod {

	private MainMethod() {
	}

	/**
	 * Decide the role from {@link #main}, called on a thread of its own.
	 * @param environment the environment
	 * @return the role
	 * @throws Exception if the role cannot be decided
	 */
	static ClusterRole roleOnOwnThread(Environment environment) throws Exception {
		return onOwnThread(() -> main(environment));
	}

	/**
	 * Run an action on a thread of its own, whose stack holds nothing but the action: the
	 * way {@code main} runs in an application's JVM, without a test runner below it.
	 * @param <T> the type of the result
	 * @param action the action
	 * @return the action's result
	 * @throws Exception if the action fails
	 */
	static <T> T onOwnThread(Callable<T> action) throws Exception {
		FutureTask<T> task = new FutureTask<>(action);
		new Thread(task, "main-like").start();
		return task.get(10, TimeUnit.SECONDS);
	}

	/**
	 * Decide the role of an application whose main class is this one.
	 * @param environment the environment
	 * @return the role
	 */
	static ClusterRole main(Environment environment) {
		return ClusterRole.of(environment, new SpringApplication(MainMethod.class));
	}

	/**
	 * Run an action from a method named {@code main} of this class, as an application's
	 * main method runs {@code SpringApplication.run}.
	 * @param action the action
	 */
	static void main(Runnable action) {
		action.run();
	}

}
