package io.clusterboot.it.servers;

/**
 * The drain of a WebFlux application on Tomcat, in a real cluster.
 */
class TomcatReactiveDrainIT extends AbstractDrainIT {

	@Override
	protected String jarProperty() {
		return "cluster.it.tomcat-webflux.jar";
	}

}
