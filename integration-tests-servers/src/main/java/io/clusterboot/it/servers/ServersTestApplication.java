package io.clusterboot.it.servers;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the integration tests run as a cluster on Jetty and Tomcat (servlet)
 * and on Reactor Netty (WebFlux); which one is decided by the jar it is packaged in.
 */
@SpringBootApplication
public class ServersTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(ServersTestApplication.class, args);
	}

}
