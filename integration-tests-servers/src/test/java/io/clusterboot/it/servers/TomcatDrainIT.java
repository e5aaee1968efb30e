package io.clusterboot.it.servers;

/**
 * The drain of a servlet application on Tomcat, in a real cluster.
 */
class TomcatDrainIT extends AbstractDrainIT {

	@Override
	protected String jarProperty() {
		return "cluster.it.tomcat.jar";
	}

}
