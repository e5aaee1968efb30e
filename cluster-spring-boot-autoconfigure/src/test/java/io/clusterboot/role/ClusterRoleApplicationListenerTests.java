package io.clusterboot.role;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import io.clusterboot.autoconfigure.ClusterProperties;
import io.clusterboot.autoconfigure.WorkerCount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link ClusterRoleApplicationListener} in a {@link SpringBootTest}: with
 * {@code cluster.workers} set, the test's application runs as an ordinary single
 * process.
 */
@SpringBootTest(properties = "cluster.workers=2")
class ClusterRoleApplicationListenerTests {

	@Autowired
	private Environment environment;

	@Autowired
	private ClusterProperties properties;

	@Test
	void contextStartsAsAStandaloneProcessWithoutWorkers() {
		assertThat(this.properties.getWorkers()).isEqualTo(WorkerCount.of(2));
		assertThat(ProcessHandle.current().children()).isEmpty();
		assertThat(ClusterRole.of(this.environment, null)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void testEnvironmentKeepsEvenAMainMethodStandalone() throws Exception {
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void malformedWorkerCountFailsTheStartupNamingTheProperty() {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException()
			.isThrownBy(() -> application.run("--cluster.workers=lots", "--spring.main.banner-mode=off"))
			.satisfies((ex) -> assertThat(messages(ex)).anyMatch((message) -> message.contains("'cluster.workers'"))
				.anyMatch((message) -> message.contains("'lots' is not a number of workers; accepted values are")));
		assertThat(ProcessHandle.current().children()).isEmpty();
	}

	private static List<String> messages(Throwable ex) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return messages;
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
