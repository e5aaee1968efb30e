package io.clusterboot.it.servers;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux application on Reactor Netty's NIO transport
 * ({@code -Dreactor.netty.native=false}) as a real cluster.
 */
class ReactorNettyNioClusterIT extends AbstractServerClusterIT {

	@Override
	protected ServerCluster startCluster() {
		return ServerCluster.start("cluster.it.netty.jar", "-Dreactor.netty.native=false");
	}

	@Override
	protected String webServer() {
		return "NettyWebServer";
	}

	@Test
	@Order(0)
	void workersBindWithTheJdkOption() {
		assertThat(this.cluster.outputText()).contains("Binding with SO_REUSEPORT on the server channel")
			.doesNotContain("UnixChannelOption#SO_REUSEPORT");
	}

}
