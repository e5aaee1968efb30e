package io.clusterboot.it.servers;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A WebFlux application on Reactor Netty's native epoll transport, the default on Linux,
 * as a real cluster.
 */
class ReactorNettyEpollClusterIT extends AbstractServerClusterIT {

	@Override
	protected ServerCluster startCluster() {
		assumeTrue(Epoll.isAvailable(), "epoll is not available here");
		return ServerCluster.start("cluster.it.netty.jar");
	}

	@Override
	protected String webServer() {
		return "NettyWebServer";
	}

	@Test
	@Order(0)
	void workersBindWithTheEpollOption() {
		assertThat(this.cluster.outputText())
			.contains("Binding with io.netty.channel.unix.UnixChannelOption#SO_REUSEPORT on the server channel");
	}

}
