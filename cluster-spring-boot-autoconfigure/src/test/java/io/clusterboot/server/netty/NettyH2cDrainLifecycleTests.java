package io.clusterboot.server.netty;

/**
 * Tests for {@link NettyDrainLifecycle}, against a real Reactor Netty that also speaks
 * HTTP/2 over cleartext (h2c), over HTTP/1.1 and HTTP/2 connections.
 */
class NettyH2cDrainLifecycleTests extends NettyDrainLifecycleTests {

	@Override
	protected boolean http2() {
		return true;
	}

}
