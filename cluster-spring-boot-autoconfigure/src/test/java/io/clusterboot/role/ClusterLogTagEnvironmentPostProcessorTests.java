package io.clusterboot.role;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.clusterboot.internal.logging.LogTag;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterLogTagEnvironmentPostProcessor}.
 */
class ClusterLogTagEnvironmentPostProcessorTests {

	private static final String LOGBACK_LEVEL_PATTERN = "%5p [%property{CLUSTER_LOG_TAG}]";

	private final StandardEnvironment environment = new StandardEnvironment();

	private final ClusterLogTagEnvironmentPostProcessor postProcessor = new ClusterLogTagEnvironmentPostProcessor();

	@BeforeEach
	@AfterEach
	void clearTag() {
		System.clearProperty(LogTag.SYSTEM_PROPERTY);
	}

	@Test
	void workerLinesSayWhichWorkerWroteThem() {
		postProcess(Map.of("cluster.worker.id", "2"));
		assertThat(LogTag.current()).isEqualTo("worker-2");
		assertThat(this.environment.getProperty("logging.pattern.level")).isEqualTo(LOGBACK_LEVEL_PATTERN);
		assertThat(jsonMembers()).containsExactlyInAnyOrderEntriesOf(
				Map.of("cluster.role", "worker", "cluster.worker", "2"));
	}

	@Test
	void masterLinesSayTheyAreTheMasters() throws Exception {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("cluster.workers", "2")));
		MainMethod.onOwnThread(() -> {
			MainMethod.main(() -> this.postProcessor.postProcessEnvironment(this.environment,
					new SpringApplication(MainMethod.class)));
			return null;
		});
		assertThat(LogTag.current()).isEqualTo("master");
		assertThat(this.environment.getProperty("logging.pattern.level")).isEqualTo(LOGBACK_LEVEL_PATTERN);
		assertThat(jsonMembers()).containsExactlyEntriesOf(Map.of("cluster.role", "master"));
	}

	@Test
	void otherLoggingSystemsGetTheTagAsText() {
		assertThat(ClusterLogTagEnvironmentPostProcessor.properties(3, false, false))
			.containsEntry("logging.pattern.level", "%5p [worker-3]");
		assertThat(ClusterLogTagEnvironmentPostProcessor.properties(null, false, false))
			.containsEntry("logging.pattern.level", "%5p [master]");
	}

	@Test
	void gelfGetsTheMembersAsAdditionalFields() {
		postProcess(Map.of("cluster.worker.id", "2", "logging.structured.format.console", "gelf"));
		assertThat(jsonMembers()).containsExactlyInAnyOrderEntriesOf(
				Map.of("_cluster.role", "worker", "_cluster.worker", "2"));
	}

	@Test
	void logbackShowsTheTagOfTheMomentOnEveryLine() {
		LoggerContext context = new LoggerContext();
		PatternLayout layout = new PatternLayout();
		layout.setContext(context);
		layout.setPattern(ClusterLogTagEnvironmentPostProcessor.properties(7, true, false).get("logging.pattern.level")
				+ " %m");
		layout.start();
		LoggingEvent event = new LoggingEvent("test", context.getLogger("test"), Level.INFO, "hello", null, null);
		LogTag.set(LogTag.worker(7));
		assertThat(layout.doLayout(event)).isEqualTo(" INFO [worker-7] hello");
		assertThat(LogTag.update(LogTag.worker(3))).isTrue();
		assertThat(layout.doLayout(event)).isEqualTo(" INFO [worker-3] hello");
	}

	@Test
	void aLevelPatternOfTheApplicationsOwnIsKept() {
		postProcess(Map.of("cluster.worker.id", "1", "logging.pattern.level", "%5p user=%X{user}"));
		assertThat(this.environment.getProperty("logging.pattern.level")).isEqualTo("%5p user=%X{user}");
	}

	@Test
	void consoleAndFilePatternsAreLeftAlone() {
		postProcess(Map.of("cluster.worker.id", "1", "logging.pattern.console", "%m%n"));
		assertThat(this.environment.getProperty("logging.pattern.console")).isEqualTo("%m%n");
		assertThat(this.environment.getProperty("logging.pattern.file")).isNull();
	}

	@Test
	void aPatternOfTheApplicationsOwnShowsTheTagWhereItAsksForIt() {
		postProcess(Map.of("cluster.worker.id", "4", "logging.pattern.console", "[${CLUSTER_LOG_TAG:}] %m%n"));
		assertThat(this.environment.getProperty("logging.pattern.console")).isEqualTo("[worker-4] %m%n");
	}

	@Test
	void aPatternOfTheApplicationsOwnShowsNoTagInASingleProcess() {
		postProcess(Map.of("logging.pattern.console", "[${CLUSTER_LOG_TAG:}] %m%n"));
		assertThat(this.environment.getProperty("logging.pattern.console")).isEqualTo("[] %m%n");
	}

	@Test
	void jsonMembersOfTheApplicationsOwnAreKept() {
		postProcess(Map.of("cluster.worker.id", "1", "logging.structured.json.add.team", "payments",
				"logging.structured.json.add.cluster.worker", "blue-1"));
		assertThat(jsonMembers()).containsExactlyInAnyOrderEntriesOf(
				Map.of("team", "payments", "cluster.worker", "blue-1", "cluster.role", "worker"));
	}

	@Test
	void canBeTurnedOff() {
		postProcess(Map.of("cluster.worker.id", "1", "cluster.logging.worker-tag", "false"));
		assertThat(LogTag.current()).isNull();
		assertThat(this.environment.getPropertySources()
			.contains(ClusterLogTagEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
		assertThat(this.environment.getProperty("logging.pattern.level")).isNull();
	}

	@Test
	void anOperatorsCommandIsNotTagged() throws Exception {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("cluster.workers", "2", "cluster.control", "status")));
		MainMethod.onOwnThread(() -> {
			MainMethod.main(() -> this.postProcessor.postProcessEnvironment(this.environment,
					new SpringApplication(MainMethod.class)));
			return null;
		});
		assertThat(LogTag.current()).isNull();
		assertThat(this.environment.getProperty("logging.pattern.level")).isNull();
	}

	@Test
	void aSingleProcessIsNotTagged() {
		postProcess(Map.of());
		assertThat(LogTag.current()).isNull();
		assertThat(this.environment.getProperty("logging.pattern.level")).isNull();
		assertThat(jsonMembers()).isEmpty();
	}

	@Test
	void aTestIsNotTaggedEvenWithWorkers() {
		postProcess(Map.of("cluster.workers", "2"));
		assertThat(LogTag.current()).isNull();
	}

	@Test
	void aMalformedWorkerCountIsLeftForTheRoleListenerToReport() {
		postProcess(Map.of("cluster.workers", "lots"));
		assertThat(LogTag.current()).isNull();
	}

	@Test
	void anUntaggedProcessKeepsNoTagWhenToldToUpdateIt() {
		assertThat(LogTag.update(LogTag.worker(3))).isFalse();
		assertThat(LogTag.current()).isNull();
	}

	private void postProcess(Map<String, Object> properties) {
		this.environment.getPropertySources().addFirst(new MapPropertySource("application", properties));
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication(MainMethod.class));
	}

	private Map<String, String> jsonMembers() {
		return Binder.get(this.environment)
			.bind("logging.structured.json.add", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
	}

}
