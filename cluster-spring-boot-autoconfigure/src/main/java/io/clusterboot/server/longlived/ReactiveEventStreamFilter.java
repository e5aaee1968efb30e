package io.clusterboot.server.longlived;

import java.util.concurrent.atomic.AtomicInteger;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.clusterboot.server.LongLivedConnections;

/**
 * Ends the server-sent event streams of a WebFlux application ({@code Flux<ServerSentEvent>}
 * and any {@code text/event-stream} body) when a drain starts: the body completes after
 * the event being written, the response ends cleanly, and the client reconnects to a
 * sibling worker. A stream that starts afterwards ends at once.
 *
 * @since 0.1.0
 */
public class ReactiveEventStreamFilter implements WebFilter, LongLivedConnections, Ordered {

	private final Sinks.Empty<Void> drain = Sinks.empty();

	private final AtomicInteger streams = new AtomicInteger();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange.mutate().response(new EventStreamResponse(exchange.getResponse())).build());
	}

	@Override
	public int goAway() {
		int told = this.streams.get();
		this.drain.tryEmitEmpty();
		return told;
	}

	@Override
	public String getDescription() {
		return "server-sent event stream(s) completed";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 20;
	}

	/**
	 * A response whose event-stream body ends when the drain starts.
	 */
	private final class EventStreamResponse extends ServerHttpResponseDecorator {

		EventStreamResponse(ServerHttpResponse delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return super.writeWith(isEventStream() ? untilDrain(Flux.from(body)) : body);
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return super.writeAndFlushWith(isEventStream() ? untilDrain(Flux.from(body)) : body);
		}

		private boolean isEventStream() {
			MediaType contentType = getHeaders().getContentType();
			return contentType != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(contentType);
		}

		private <T> Flux<T> untilDrain(Flux<T> body) {
			AtomicInteger streams = ReactiveEventStreamFilter.this.streams;
			return body.takeUntilOther(ReactiveEventStreamFilter.this.drain.asMono())
				.doOnSubscribe((subscription) -> streams.incrementAndGet())
				.doFinally((signal) -> streams.decrementAndGet());
		}

	}

}
