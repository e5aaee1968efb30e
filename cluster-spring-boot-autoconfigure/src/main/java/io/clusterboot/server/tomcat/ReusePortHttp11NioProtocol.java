package io.clusterboot.server.tomcat;

import org.apache.coyote.Adapter;
import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.coyote.http2.Http2Protocol;

/**
 * Tomcat's HTTP/1.1 NIO protocol on a {@link ReusePortNioEndpoint}. Set it with
 * {@code TomcatWebServerFactory.setProtocol(String)}.
 *
 * @since 0.1.0
 */
public class ReusePortHttp11NioProtocol extends Http11NioProtocol {

	/**
	 * Create the protocol; Tomcat calls this by reflection.
	 */
	public ReusePortHttp11NioProtocol() {
		this(new ReusePortNioEndpoint());
	}

	ReusePortHttp11NioProtocol(ReusePortNioEndpoint endpoint) {
		super(endpoint);
		endpoint.setHttp2KeepAliveTimeout(this::getHttp2KeepAliveTimeout);
	}

	/**
	 * Set the adapter, made to close HTTP/1.1 connections while the endpoint drains (see
	 * {@link DrainingAdapter}).
	 */
	@Override
	public void setAdapter(Adapter adapter) {
		super.setAdapter(new DrainingAdapter(adapter, getEndpoint()));
	}

	private long getHttp2KeepAliveTimeout() {
		for (UpgradeProtocol upgradeProtocol : findUpgradeProtocols()) {
			if (upgradeProtocol instanceof Http2Protocol http2) {
				return http2.getKeepAliveTimeout();
			}
		}
		return -1;
	}

	/**
	 * The endpoint, for {@link TomcatDrainLifecycle} to close its listener and its idle
	 * connections.
	 * @return the endpoint
	 */
	@Override
	public ReusePortNioEndpoint getEndpoint() {
		return (ReusePortNioEndpoint) super.getEndpoint();
	}

}
