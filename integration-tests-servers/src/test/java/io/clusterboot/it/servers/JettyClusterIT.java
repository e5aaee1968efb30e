package io.clusterboot.it.servers;

/**
 * A servlet application on Jetty as a real cluster.
 */
class JettyClusterIT extends AbstractServerClusterIT {

	@Override
	protected ServerCluster startCluster() {
		return ServerCluster.start("cluster.it.jetty.jar");
	}

	@Override
	protected String webServer() {
		return "JettyServletWebServer";
	}

}
