package io.clusterboot.it.servers;

import java.util.List;

/**
 * The drain of a WebFlux application on Reactor Netty's NIO transport
 * ({@code -Dreactor.netty.native=false}), in a real cluster.
 */
class ReactorNettyNioDrainIT extends AbstractDrainIT {

	@Override
	protected String jarProperty() {
		return "cluster.it.netty.jar";
	}

	@Override
	protected List<String> jvmOptions() {
		return List.of("-Dreactor.netty.native=false");
	}

}
