package io.clusterboot.server.netty;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link NettyReusePortCustomizer}: the option is the one of the transport in
 * use, on the server channel, and real servers of each transport share one port.
 */
@ExtendWith(OutputCaptureExtension.class)
class NettyReusePortCustomizerTests {

	private final LoopResources nioLoops = LoopResources.create("nio-test", 1, 1, true);

	private final List<DisposableServer> servers = new ArrayList<>();

	@AfterEach
	void stopServers() {
		this.servers.forEach(DisposableServer::disposeNow);
		this.nioLoops.disposeLater().block();
	}

	@Test
	void nativeTransportGetsTheEpollOptionOnTheServerChannel() {
		assumeTrue(Epoll.isAvailable(), "epoll is not available here");
		HttpServer server = NettyReusePortCustomizer.reusePort(HttpServer.create());
		assertThat(options(server)).containsEntry(EpollChannelOption.SO_REUSEPORT, true);
		assertThat(server.configuration().childOptions().keySet())
			.noneMatch((option) -> option.name().endsWith("SO_REUSEPORT"));
	}

	@Test
	void nioTransportGetsTheJdkOptionOnTheServerChannel() {
		HttpServer server = NettyReusePortCustomizer.reusePort(HttpServer.create().runOn(this.nioLoops, false));
		assertThat(options(server)).doesNotContainKey(EpollChannelOption.SO_REUSEPORT);
		assertThat(options(server).entrySet()).filteredOn((entry) -> entry.getKey().name().endsWith("SO_REUSEPORT"))
			.singleElement()
			.satisfies((entry) -> {
				assertThat(entry.getKey()).isInstanceOf(NioChannelOption.class);
				assertThat(entry.getValue()).isEqualTo(true);
			});
		assertThat(server.configuration().childOptions().keySet())
			.noneMatch((option) -> option.name().endsWith("SO_REUSEPORT"));
	}

	@Test
	void twoNativeServersShareOnePort(CapturedOutput output) throws IOException {
		assumeTrue(Epoll.isAvailable(), "epoll is not available here");
		int port = freePort();
		bind(NettyReusePortCustomizer.reusePort(HttpServer.create().port(port)));
		bind(NettyReusePortCustomizer.reusePort(HttpServer.create().port(port)));
		assertThat(this.servers).extracting(DisposableServer::port).containsExactly(port, port);
		assertThat(output).doesNotContain("Unknown channel option");
	}

	@Test
	void twoNioServersShareOnePort(CapturedOutput output) throws IOException {
		int port = freePort();
		bind(NettyReusePortCustomizer.reusePort(HttpServer.create().port(port).runOn(this.nioLoops, false)));
		bind(NettyReusePortCustomizer.reusePort(HttpServer.create().port(port).runOn(this.nioLoops, false)));
		assertThat(this.servers).extracting(DisposableServer::port).containsExactly(port, port);
		assertThat(output).doesNotContain("Unknown channel option");
	}

	@Test
	void withoutTheOptionTheSecondServerCannotBind() throws IOException {
		int port = freePort();
		bind(HttpServer.create().port(port).runOn(this.nioLoops, false));
		assertThatException().isThrownBy(() -> bind(HttpServer.create().port(port).runOn(this.nioLoops, false)));
	}

	@Test
	void customizerAddsTheOptionToTheFactorysServer() {
		NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
		new NettyReusePortCustomizer().customize(factory);
		assertThat(factory.getServerCustomizers()).hasSize(1);
		HttpServer server = factory.getServerCustomizers().iterator().next().apply(HttpServer.create());
		assertThat(options(server).keySet()).anyMatch((option) -> option.name().endsWith("SO_REUSEPORT"));
	}

	private static Map<ChannelOption<?>, Object> options(HttpServer server) {
		return new HashMap<>(server.configuration().options());
	}

	private void bind(HttpServer server) {
		this.servers.add(server.handle((request, response) -> Mono.empty()).bindNow());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
