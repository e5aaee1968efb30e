package io.clusterboot.it.servers;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux application on Reactor Netty as a real cluster in proxy mode: the master owns
 * the port, and Reactor Netty reads the PROXY protocol header the master sends.
 */
class ReactorNettyProxyClusterIT extends AbstractServerClusterIT {

	@Override
	protected ServerCluster startCluster() {
		return ServerCluster.start("cluster.it.netty.jar", "-Dcluster.port-sharing=proxy");
	}

	@Override
	protected String webServer() {
		return "NettyWebServer";
	}

	@Test
	@Order(0)
	void theMasterHandsTheConnectionsOver() {
		assertThat(this.cluster.outputText()).contains("behind the master's proxy on port " + this.cluster.port())
			.doesNotContain("cannot read the PROXY protocol header");
	}

	@Test
	@Order(0)
	void theWorkerSeesTheClientsAddress() {
		ProxyModeChecks.workerSeesTheClient(this.cluster);
	}

}
