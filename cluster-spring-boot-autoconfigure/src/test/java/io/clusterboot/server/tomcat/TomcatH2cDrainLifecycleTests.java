package io.clusterboot.server.tomcat;

/**
 * Tests for {@link TomcatDrainLifecycle}, against a real Tomcat on
 * {@link ReusePortHttp11NioProtocol} that also speaks HTTP/2 over cleartext (h2c), over
 * HTTP/1.1 and HTTP/2 connections.
 */
class TomcatH2cDrainLifecycleTests extends TomcatDrainLifecycleTests {

	@Override
	protected boolean http2() {
		return true;
	}

}
