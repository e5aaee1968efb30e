package io.clusterboot.server.tomcat;

/**
 * Tomcat's HTTP/1.1 NIO protocol for a worker in proxy mode: a plain-bound private port
 * whose connections start with the PROXY protocol header of the master that relays them
 * (see {@link ProxyProtocolNioEndpoint}). Set it with
 * {@code TomcatWebServerFactory.setProtocol(String)}; {@link TomcatDrainLifecycle} drains
 * it like the {@code SO_REUSEPORT} protocol it extends.
 *
 * @since 0.1.0
 */
public class ProxyProtocolHttp11NioProtocol extends ReusePortHttp11NioProtocol {

	/**
	 * Create the protocol; Tomcat calls this by reflection.
	 */
	public ProxyProtocolHttp11NioProtocol() {
		super(new ProxyProtocolNioEndpoint());
	}

	/**
	 * Set whether each connection starts with a PROXY protocol header, {@code true} by
	 * default. Without one, the remote address of a request is the master's.
	 * @param proxyProtocol whether the master sends a header
	 */
	public void setProxyProtocol(boolean proxyProtocol) {
		endpoint().setProxyProtocol(proxyProtocol);
	}

	/**
	 * Whether each connection starts with a PROXY protocol header.
	 * @return whether the master sends a header
	 */
	public boolean isProxyProtocol() {
		return endpoint().isProxyProtocol();
	}

	private ProxyProtocolNioEndpoint endpoint() {
		return (ProxyProtocolNioEndpoint) getEndpoint();
	}

}
