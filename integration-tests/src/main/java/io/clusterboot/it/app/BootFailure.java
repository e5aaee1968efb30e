package io.clusterboot.it.app;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Fails the application's start when the tests ask for it: always
 * ({@code app.fail-boot=true}), or while a file exists ({@code app.fail-boot-file}).
 */
@Component
class BootFailure {

	BootFailure(@Value("${app.fail-boot:false}") boolean failBoot, @Value("${app.fail-boot-file:}") String file) {
		if (failBoot || (!file.isEmpty() && Files.exists(Path.of(file)))) {
			throw new IllegalStateException("Failing to boot on purpose (app.fail-boot)");
		}
	}

}
