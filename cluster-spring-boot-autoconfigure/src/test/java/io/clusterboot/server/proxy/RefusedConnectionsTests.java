package io.clusterboot.server.proxy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link RefusedConnections}.
 */
class RefusedConnectionsTests {

	@Test
	void loopbackAndUnixDomainPeersAreLocal() {
		assertThat(RefusedConnections.isLocal(new InetSocketAddress("127.0.0.1", 1234))).isTrue();
		assertThat(RefusedConnections.isLocal(new InetSocketAddress("127.0.0.2", 1234))).isTrue();
		assertThat(RefusedConnections.isLocal(new InetSocketAddress("::1", 1234))).isTrue();
		assertThat(RefusedConnections.isLocal(UnixDomainSocketAddress.of("/tmp/s.sock"))).isTrue();
	}

	@Test
	void otherPeersAreNotLocal() {
		assertThat(RefusedConnections.isLocal(new InetSocketAddress("192.0.2.7", 1234))).isFalse();
		assertThat(RefusedConnections.isLocal(new InetSocketAddress("2001:db8::1", 1234))).isFalse();
		assertThat(RefusedConnections.isLocal(InetSocketAddress.createUnresolved("example.com", 1234))).isFalse();
		assertThat(RefusedConnections.isLocal(null)).isFalse();
	}

	@Test
	void refusalsAreLoggedOnceInTenSeconds() {
		Log log = mock(Log.class);
		RefusedConnections refused = new RefusedConnections(log);
		refused.refused("/192.0.2.7:1234", "it does not come from this machine");
		refused.refused("/192.0.2.8:1234", "it does not come from this machine");
		refused.refused("/192.0.2.9:1234", "it does not come from this machine");
		verify(log, times(1)).warn(anyString());
		verify(log).warn(contains("from /192.0.2.7:1234: it does not come from this machine"));
	}

}
