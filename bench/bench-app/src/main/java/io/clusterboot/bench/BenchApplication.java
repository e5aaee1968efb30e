package io.clusterboot.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A cluster whose master echoes and counts messages, and whose workers time them:
 * {@code GET /bench/messages} on any worker runs the measurement.
 */
@SpringBootApplication
public class BenchApplication {

	public static void main(String[] args) {
		SpringApplication.run(BenchApplication.class, args);
	}

}
