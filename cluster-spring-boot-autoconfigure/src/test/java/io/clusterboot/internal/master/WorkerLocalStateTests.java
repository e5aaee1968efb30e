package io.clusterboot.internal.master;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerLocalState}.
 */
class WorkerLocalStateTests {

	private static final String SPRING_JDBC = "org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType";

	private static final String H2 = "org.h2.Driver";

	private static final String SERVLET_SECURITY = "org.springframework.security.web.SecurityFilterChain";

	private final MockEnvironment environment = new MockEnvironment();

	private final Set<String> classPath = new HashSet<>();

	@Test
	void nothingToSayOfAnApplicationWithoutWorkerLocalState() {
		assertThat(find(WebApplicationType.SERVLET)).isEmpty();
		assertThat(state(WebApplicationType.SERVLET).warning()).isNull();
	}

	@Test
	void anInMemoryDatabaseUrlIsWorkerLocal() {
		for (String url : List.of("jdbc:h2:mem:petclinic", "jdbc:hsqldb:mem:test", "jdbc:derby:memory:db;create=true",
				"JDBC:H2:MEM:upper")) {
			this.environment.setProperty("spring.datasource.url", url);
			assertThat(find(WebApplicationType.SERVLET))
				.containsExactly("an in-memory database (spring.datasource.url=" + url + ")");
		}
	}

	@Test
	void anInMemoryR2dbcUrlIsWorkerLocal() {
		this.environment.setProperty("spring.r2dbc.url", "r2dbc:h2:mem:///test");
		assertThat(find(WebApplicationType.REACTIVE)).singleElement().asString().contains("spring.r2dbc.url");
	}

	@Test
	void aFileOrServerDatabaseIsShared() {
		this.classPath.addAll(List.of(SPRING_JDBC, H2));
		for (String url : List.of("jdbc:h2:file:./data/db", "jdbc:h2:tcp://db/test", "jdbc:postgresql://db/app")) {
			this.environment.setProperty("spring.datasource.url", url);
			assertThat(find(WebApplicationType.SERVLET)).isEmpty();
		}
	}

	@Test
	void anEmbeddedDatabaseOnTheClassPathWithoutAUrlIsWorkerLocal() {
		// What Spring Boot does with H2 and spring-jdbc and no URL: petclinic's default
		this.classPath.addAll(List.of(SPRING_JDBC, H2));
		assertThat(find(WebApplicationType.SERVLET)).singleElement().asString().startsWith("an in-memory H2 database");
	}

	@Test
	void anEmbeddedDatabaseTurnedOffIsNotReported() {
		this.classPath.addAll(List.of(SPRING_JDBC, H2));
		this.environment.setProperty("spring.datasource.embedded-database-connection", "none");
		assertThat(find(WebApplicationType.SERVLET)).isEmpty();
	}

	@Test
	void anEmbeddedDatabaseDriverWithoutSpringJdbcIsNotReported() {
		this.classPath.add(H2);
		assertThat(find(WebApplicationType.SERVLET)).isEmpty();
	}

	@Test
	void springSecurityWithoutSpringSessionKeepsLoginsInEachWorker() {
		this.classPath.add(SERVLET_SECURITY);
		assertThat(find(WebApplicationType.SERVLET)).singleElement().asString().startsWith("HTTP sessions");
		assertThat(find(WebApplicationType.NONE)).isEmpty();
		this.classPath.add("org.springframework.session.Session");
		assertThat(find(WebApplicationType.SERVLET)).isEmpty();
	}

	@Test
	void reactiveSecurityIsLookedForInAReactiveApplication() {
		this.classPath.add(SERVLET_SECURITY);
		assertThat(find(WebApplicationType.REACTIVE)).isEmpty();
		this.classPath.add("org.springframework.security.web.server.SecurityWebFilterChain");
		assertThat(find(WebApplicationType.REACTIVE)).singleElement().asString().startsWith("HTTP sessions");
	}

	@Test
	void localCachesFromTheCacheTypeOrTheClassPath() {
		this.environment.setProperty("spring.cache.type", "caffeine");
		assertThat(find(WebApplicationType.SERVLET)).containsExactly("local caches (spring.cache.type=caffeine)");
		this.environment.setProperty("spring.cache.type", "redis");
		this.classPath.addAll(List.of("org.springframework.cache.caffeine.CaffeineCacheManager",
				"com.github.benmanes.caffeine.cache.Caffeine"));
		assertThat(find(WebApplicationType.SERVLET)).isEmpty();
		assertThat(new WorkerLocalState(new MockEnvironment(), this.classPath::contains, WebApplicationType.SERVLET)
			.find())
			.containsExactly("local caches (Spring's cache support and Caffeine are on the class path)");
	}

	@Test
	void caffeineAloneIsNotACache() {
		this.classPath.add("com.github.benmanes.caffeine.cache.Caffeine");
		assertThat(find(WebApplicationType.SERVLET)).isEmpty();
	}

	@Test
	void theWarningNamesEverythingFoundAndHowToSilenceIt() {
		this.environment.setProperty("spring.datasource.url", "jdbc:h2:mem:test");
		this.classPath.add(SERVLET_SECURITY);
		assertThat(state(WebApplicationType.SERVLET).warning())
			.startsWith("Each worker keeps its own copy of an in-memory database (spring.datasource.url=jdbc:h2:mem:test); "
					+ "HTTP sessions")
			.contains("Spring Session").contains("ClusterMessenger")
			.endsWith("Set cluster.warn-worker-local-state=false once you have made sure it does not matter");
	}

	private List<String> find(WebApplicationType type) {
		return state(type).find();
	}

	private WorkerLocalState state(WebApplicationType type) {
		return new WorkerLocalState(this.environment, this.classPath::contains, type);
	}

}
