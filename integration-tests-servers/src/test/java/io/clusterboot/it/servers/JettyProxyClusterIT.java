package io.clusterboot.it.servers;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC application on Jetty as a real cluster in proxy mode: the master owns the
 * port, and Jetty reads the PROXY protocol header the master sends.
 */
class JettyProxyClusterIT extends AbstractServerClusterIT {

	@Override
	protected ServerCluster startCluster() {
		return ServerCluster.start("cluster.it.jetty.jar", "-Dcluster.port-sharing=proxy");
	}

	@Override
	protected String webServer() {
		return "JettyServletWebServer";
	}

	@Test
	@Order(0)
	void theMasterHandsTheConnectionsOver() {
		assertThat(this.cluster.outputText()).contains("behind the master's proxy on port " + this.cluster.port());
	}

	@Test
	@Order(0)
	void theWorkerSeesTheClientsAddress() {
		ProxyModeChecks.workerSeesTheClient(this.cluster);
	}

}
