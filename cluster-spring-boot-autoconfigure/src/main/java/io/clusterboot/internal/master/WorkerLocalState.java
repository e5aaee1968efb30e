package io.clusterboot.internal.master;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Finds state an application keeps in its own memory, which N workers silently split into
 * N copies: an in-memory database, HTTP sessions, local caches. What is written through one
 * worker is then missing on the next request, which another worker answers. The master
 * cannot see the application's beans, so it judges from the class path and the
 * properties, and says once what it found and what to do.
 */
final class WorkerLocalState {

	private static final List<String> IN_MEMORY_URLS = List.of("jdbc:h2:mem:", "jdbc:hsqldb:mem:",
			"jdbc:derby:memory:", "r2dbc:h2:mem:");

	private static final List<String[]> EMBEDDED_DATABASES = List.of(new String[] { "org.h2.Driver", "H2" },
			new String[] { "org.hsqldb.jdbc.JDBCDriver", "HSQLDB" },
			new String[] { "org.apache.derby.jdbc.EmbeddedDriver", "Derby" });

	private static final String SPRING_JDBC = "org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType";

	private static final String SPRING_SESSION = "org.springframework.session.Session";

	private static final String SERVLET_SECURITY = "org.springframework.security.web.SecurityFilterChain";

	private static final String REACTIVE_SECURITY = "org.springframework.security.web.server.SecurityWebFilterChain";

	private static final List<String[]> LOCAL_CACHES = List.of(
			new String[] { "org.springframework.cache.caffeine.CaffeineCacheManager",
					"com.github.benmanes.caffeine.cache.Caffeine", "Caffeine" },
			new String[] { "org.cache2k.extra.spring.SpringCache2kCacheManager", "org.cache2k.Cache2kBuilder",
					"Cache2k" });

	private final Environment environment;

	private final Predicate<String> classPresent;

	private final WebApplicationType type;

	WorkerLocalState(Environment environment, Predicate<String> classPresent, WebApplicationType type) {
		this.environment = environment;
		this.classPresent = classPresent;
		this.type = type;
	}

	static WorkerLocalState of(Environment environment, @Nullable ClassLoader classLoader, WebApplicationType type) {
		return new WorkerLocalState(environment, (name) -> ClassUtils.isPresent(name, classLoader), type);
	}

	/**
	 * What the master should say about the application's worker-local state.
	 * @return a warning, or {@code null} if nothing was found
	 */
	@Nullable String warning() {
		List<String> found = find();
		if (found.isEmpty()) {
			return null;
		}
		return "Each worker keeps its own copy of " + String.join("; ", found) + ". What one worker writes there, the "
				+ "others do not see, and the next request may go to another worker. Keep such state outside the "
				+ "workers: a shared database, Spring Session (spring-session-jdbc or spring-session-data-redis) for "
				+ "sessions, and for local caches an eviction broadcast to every worker through ClusterMessenger. "
				+ "Set cluster.warn-worker-local-state=false once you have made sure it does not matter";
	}

	List<String> find() {
		List<String> found = new ArrayList<>();
		String database = inMemoryDatabase();
		if (database != null) {
			found.add(database);
		}
		String sessions = sessions();
		if (sessions != null) {
			found.add(sessions);
		}
		String caches = localCaches();
		if (caches != null) {
			found.add(caches);
		}
		return found;
	}

	private @Nullable String inMemoryDatabase() {
		for (String property : List.of("spring.datasource.url", "spring.r2dbc.url")) {
			String url = this.environment.getProperty(property);
			if (url != null) {
				String lower = url.toLowerCase(Locale.ROOT);
				for (String prefix : IN_MEMORY_URLS) {
					if (lower.startsWith(prefix)) {
						return "an in-memory database (" + property + "=" + url + ")";
					}
				}
			}
		}
		if (this.environment.getProperty("spring.datasource.url") != null
				|| "none".equalsIgnoreCase(this.environment.getProperty("spring.datasource.embedded-database-connection"))
				|| !this.classPresent.test(SPRING_JDBC)) {
			return null;
		}
		for (String[] database : EMBEDDED_DATABASES) {
			if (this.classPresent.test(database[0])) {
				return "an in-memory " + database[1] + " database (on the class path with no spring.datasource.url, "
						+ "Spring Boot creates one in each worker)";
			}
		}
		return null;
	}

	private @Nullable String sessions() {
		if (this.type == WebApplicationType.NONE || this.classPresent.test(SPRING_SESSION)) {
			return null;
		}
		String security = (this.type == WebApplicationType.REACTIVE) ? REACTIVE_SECURITY : SERVLET_SECURITY;
		if (!this.classPresent.test(security)) {
			return null;
		}
		return "HTTP sessions (Spring Security keeps a login in the session, and without Spring Session each worker "
				+ "keeps its sessions in memory: a user logged in through one worker is not logged in on the others)";
	}

	private @Nullable String localCaches() {
		String type = this.environment.getProperty("spring.cache.type");
		if (type != null) {
			String lower = type.toLowerCase(Locale.ROOT);
			return (lower.equals("simple") || lower.equals("caffeine") || lower.equals("cache2k"))
					? "local caches (spring.cache.type=" + type + ")" : null;
		}
		for (String[] cache : LOCAL_CACHES) {
			if (this.classPresent.test(cache[0]) && this.classPresent.test(cache[1])) {
				return "local caches (Spring's cache support and " + cache[2] + " are on the class path)";
			}
		}
		return null;
	}

}
