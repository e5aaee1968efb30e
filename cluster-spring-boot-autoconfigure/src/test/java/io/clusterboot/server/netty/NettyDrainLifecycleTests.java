package io.clusterboot.server.netty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.HttpHandler;

import io.clusterboot.server.AbstractDrainLifecycleTests;
import io.clusterboot.server.DrainLifecycle;

/**
 * Tests for {@link NettyDrainLifecycle}, against a real Reactor Netty that shares its
 * port.
 */
class NettyDrainLifecycleTests extends AbstractDrainLifecycleTests {

	private final NettyConnections connections = new NettyConnections();

	private WebServer webServer;

	@Override
	protected int startServer(boolean http2) {
		NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(0);
		Http2 h2c = new Http2();
		h2c.setEnabled(http2);
		factory.setHttp2(h2c);
		new NettyReusePortCustomizer().customize(factory);
		factory.addServerCustomizers(this.connections::customize);
		HttpHandler handler = (request, response) -> {
			if (request.getURI().getPath().equals("/ws")) {
				HttpServerResponse nativeResponse = ((AbstractServerHttpResponse) response).getNativeResponse();
				return nativeResponse
					.sendWebsocket((in, out) -> out.sendString(Mono.just("open")).then(in.receive().then()));
			}
			Mono<String> body = Mono.just("ok");
			if (request.getURI().getPath().equals("/slow")) {
				body = Mono.fromCallable(() -> {
					this.slowRequestStarted.countDown();
					this.slowRequestRelease.await(LONG.toSeconds(), TimeUnit.SECONDS);
					return "slow";
				}).subscribeOn(Schedulers.boundedElastic());
			}
			return body.flatMap((text) -> {
				byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
				response.getHeaders().setContentLength(bytes.length);
				DataBuffer buffer = response.bufferFactory().wrap(bytes);
				return response.writeWith(Mono.just(buffer));
			});
		};
		this.webServer = factory.getWebServer(handler);
		this.webServer.start();
		// Reactor Netty reports the bound channel on its event loop, which may be just after
		// start() returns
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(5))
			.until(this.connections::hasServerChannels);
		return this.webServer.getPort();
	}

	@Override
	protected void stopServer() {
		this.webServer.stop();
		this.webServer.destroy();
	}

	@Override
	protected DrainLifecycle drain(Duration timeout, Duration idleTimeout) {
		return new NettyDrainLifecycle(this.connections, timeout, idleTimeout);
	}

	@Override
	protected int openConnections() {
		return this.connections.getOpenConnections();
	}

}
