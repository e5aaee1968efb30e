package io.clusterboot.it.servers;

/**
 * The drain of a WebFlux application on Reactor Netty, in a real cluster.
 */
class ReactorNettyDrainIT extends AbstractDrainIT {

	@Override
	protected String jarProperty() {
		return "cluster.it.netty.jar";
	}

}
