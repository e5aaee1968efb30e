package io.clusterboot.sample;

import java.time.LocalTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.event.ClusterMessageEvent;
import io.clusterboot.message.ClusterMessenger;

/**
 * A per-worker cache that is evicted everywhere at once: {@code DELETE /cache/{key}} on
 * any worker broadcasts the eviction to every worker, itself included.
 */
@RestController
class GreetingCache {

	private static final Log logger = LogFactory.getLog(GreetingCache.class);

	private final Map<String, String> cache = new ConcurrentHashMap<>();

	private final ClusterMessenger messenger;

	private final Environment environment;

	GreetingCache(ClusterMessenger messenger, Environment environment) {
		this.messenger = messenger;
		this.environment = environment;
	}

	@GetMapping("/cache/{key}")
	Cached get(@PathVariable String key) {
		String value = this.cache.computeIfAbsent(key, (k) -> "hello " + k + ", cached at " + LocalTime.now());
		return new Cached(workerId(), key, value);
	}

	@DeleteMapping("/cache/{key}")
	Evicted evictEverywhere(@PathVariable String key) {
		boolean sent = this.messenger.sendToAllWorkers(new Eviction(key));
		return new Evicted(workerId(), key, sent);
	}

	@EventListener
	void onEviction(ClusterMessageEvent event) {
		Eviction eviction = event.getPayload(Eviction.class);
		this.cache.remove(eviction.key());
		logger.info("Worker " + workerId() + " evicted '" + eviction.key() + "' (asked by "
				+ (event.getMessage().isFromMaster() ? "the master" : "worker " + event.getMessage().getSenderId())
				+ ")");
	}

	record Cached(int worker, String key, String value) {
	}

	record Evicted(int worker, String key, boolean broadcast) {
	}

	record Eviction(String key) {
	}

	/**
	 * This worker's id, read when needed: a hot spare learns it when it is promoted.
	 */
	private int workerId() {
		return this.environment.getProperty("cluster.worker.id", Integer.class, 0);
	}

}
