package io.clusterboot.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the benchmarks, packaged once per web server (Tomcat, Jetty, Reactor
 * Netty, and WebFlux on Tomcat): {@code GET /} and {@code GET /work} as in the sample
 * application, and a cluster whose master echoes and counts messages and whose workers
 * time them: {@code GET /bench/messages} on any worker runs that measurement.
 */
@SpringBootApplication
public class BenchApplication {

	public static void main(String[] args) {
		SpringApplication.run(BenchApplication.class, args);
	}

}
