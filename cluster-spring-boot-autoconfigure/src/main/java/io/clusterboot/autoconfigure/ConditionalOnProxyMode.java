package io.clusterboot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches in a worker whose master relays the connections to it (proxy mode), as the
 * master told it through {@code cluster.worker.port-sharing}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnProperty(name = ClusterWorkerAutoConfiguration.PORT_SHARING, havingValue = "proxy")
@interface ConditionalOnProxyMode {

}
