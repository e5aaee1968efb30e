package io.clusterboot.master;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a component that runs in the master, the Spring form of Node's
 * {@code if (cluster.isPrimary)}. In cluster mode the master runs only these beans (found
 * under the application class's package) and never the application's others; workers
 * never create them. In an ordinary single process they are created like any component.
 * <p>
 * Master beans can inject the
 * {@link io.clusterboot.supervisor.ClusterSupervisor ClusterSupervisor} and the
 * {@link io.clusterboot.message.ClusterMessenger ClusterMessenger}, and receive the
 * cluster's events with {@code @EventListener}.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
@Conditional(OnClusterMasterCondition.class)
public @interface ClusterMaster {

	/**
	 * The bean name, if any.
	 * @return the bean name
	 */
	@AliasFor(annotation = Component.class)
	String value() default "";

}
