package io.clusterboot.it.servers;

/**
 * A WebFlux application on Tomcat as a real cluster: its jar holds no Spring MVC, so
 * Spring Boot runs it on Tomcat's reactive web server.
 */
class TomcatReactiveClusterIT extends AbstractServerClusterIT {

	@Override
	protected ServerCluster startCluster() {
		return ServerCluster.start("cluster.it.tomcat-webflux.jar");
	}

	@Override
	protected String webServer() {
		return "TomcatWebServer";
	}

}
