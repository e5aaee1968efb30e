package io.clusterboot.it.servers;

/**
 * The drain of a servlet application on Jetty, in a real cluster.
 */
class JettyDrainIT extends AbstractDrainIT {

	@Override
	protected String jarProperty() {
		return "cluster.it.jetty.jar";
	}

}
