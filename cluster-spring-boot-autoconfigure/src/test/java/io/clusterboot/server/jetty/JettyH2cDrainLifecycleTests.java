package io.clusterboot.server.jetty;

/**
 * Tests for {@link JettyDrainLifecycle}, against a real Jetty that also speaks HTTP/2 over
 * cleartext (h2c), over HTTP/1.1 and HTTP/2 connections.
 */
class JettyH2cDrainLifecycleTests extends JettyDrainLifecycleTests {

	@Override
	protected boolean http2() {
		return true;
	}

}
