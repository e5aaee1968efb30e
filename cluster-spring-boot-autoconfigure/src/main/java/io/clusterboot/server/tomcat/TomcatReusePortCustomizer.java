package io.clusterboot.server.tomcat;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Tomcat bind its port with {@code SO_REUSEPORT}, so that all workers share it.
 *
 * @since 0.1.0
 */
public class TomcatReusePortCustomizer implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	@Override
	public void customize(TomcatWebServerFactory factory) {
		factory.setProtocol(ReusePortHttp11NioProtocol.class.getName());
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
