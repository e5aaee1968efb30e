package io.clusterboot.server.tomcat;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Tomcat, in proxy mode, bind its private port plainly (no
 * {@code SO_REUSEPORT}) and read the PROXY protocol header its master sends before each
 * connection's bytes, with {@link ProxyProtocolHttp11NioProtocol}. Applies to the servlet
 * and the reactive Tomcat factories alike.
 *
 * @since 0.1.0
 */
public class TomcatProxyProtocolCustomizer implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	private final boolean proxyProtocol;

	/**
	 * Create a customizer.
	 * @param proxyProtocol whether the master sends a PROXY protocol header before each
	 * connection's bytes
	 */
	public TomcatProxyProtocolCustomizer(boolean proxyProtocol) {
		this.proxyProtocol = proxyProtocol;
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		factory.setProtocol(ProxyProtocolHttp11NioProtocol.class.getName());
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol protocol) {
				protocol.setProxyProtocol(this.proxyProtocol);
			}
		});
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
