package io.clusterboot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches in a worker that binds the shared port itself with {@code SO_REUSEPORT}: the
 * default, unless its master told it otherwise through
 * {@code cluster.worker.port-sharing}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnProperty(name = ClusterWorkerAutoConfiguration.PORT_SHARING, havingValue = "reuseport",
		matchIfMissing = true)
@interface ConditionalOnReusePort {

}
