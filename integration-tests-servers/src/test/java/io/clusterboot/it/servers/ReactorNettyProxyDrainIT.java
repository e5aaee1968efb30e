package io.clusterboot.it.servers;

/**
 * The drain of a WebFlux application on Reactor Netty in proxy mode, in a real cluster:
 * the master stops handing connections to a worker before it drains, so nothing fails
 * under {@code tcp_migrate_req=0}.
 */
class ReactorNettyProxyDrainIT extends AbstractDrainIT {

	@Override
	protected String jarProperty() {
		return "cluster.it.netty.jar";
	}

	@Override
	protected boolean proxyMode() {
		return true;
	}

}
