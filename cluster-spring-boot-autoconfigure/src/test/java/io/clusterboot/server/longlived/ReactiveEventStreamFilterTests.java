package io.clusterboot.server.longlived;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReactiveEventStreamFilter}.
 */
class ReactiveEventStreamFilterTests {

	private final ReactiveEventStreamFilter filter = new ReactiveEventStreamFilter();

	@Test
	void endsAnEventStreamCleanlyWhenTheDrainStarts() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/events"));
		CompletableFuture<Void> written = write(exchange, Flux.interval(Duration.ofMillis(10))).toFuture();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.filter.goAway()).isOne());
		assertThat(written).succeedsWithin(Duration.ofSeconds(5));
		assertThat(this.filter.goAway()).isZero();
	}

	@Test
	void endsAnEventStreamThatStartsDuringTheDrainAtOnce() {
		this.filter.goAway();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/events"));
		write(exchange, Flux.interval(Duration.ofMillis(10))).block(Duration.ofSeconds(5));
	}

	@Test
	void leavesOtherBodiesAlone() {
		this.filter.goAway();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
		this.filter.filter(exchange, (filtered) -> {
			filtered.getResponse().getHeaders().setContentType(MediaType.TEXT_PLAIN);
			return filtered.getResponse().writeWith(Flux.range(0, 3).map(ReactiveEventStreamFilterTests::buffer));
		}).block(Duration.ofSeconds(5));
		assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5))).isEqualTo("012");
	}

	private Mono<Void> write(MockServerWebExchange exchange, Flux<Long> events) {
		return this.filter.filter(exchange, (ServerWebExchange filtered) -> {
			filtered.getResponse().getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
			return filtered.getResponse()
				.writeAndFlushWith(events.map((event) -> Mono.just(buffer(event.intValue()))));
		});
	}

	private static DataBuffer buffer(int value) {
		return DefaultDataBufferFactory.sharedInstance.wrap(Integer.toString(value).getBytes(StandardCharsets.UTF_8));
	}

}
