package io.clusterboot.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import io.clusterboot.server.PortGuard.PortInUseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PortGuard}.
 */
class PortGuardTests {

	@Test
	void pickFreePortReturnsAPortThatCanBeBound() throws IOException {
		int port = PortGuard.pickFreePort(null);
		assertThat(port).isBetween(1, 65535);
		try (ServerSocket socket = new ServerSocket(port)) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	@Test
	void pickFreePortOnLoopback() throws IOException {
		InetAddress loopback = InetAddress.getLoopbackAddress();
		int port = PortGuard.pickFreePort(loopback);
		try (ServerSocket socket = new ServerSocket(port, 50, loopback)) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	@Test
	void checkOfAFreePortIsTrue() throws IOException {
		assertThat(PortGuard.check(null, PortGuard.pickFreePort(null))).isTrue();
	}

	@Test
	void checkOfAPortHeldByAnotherProgramThrows() throws IOException {
		try (ServerSocket holder = new ServerSocket(0)) {
			int port = holder.getLocalPort();
			assertThatExceptionOfType(PortInUseException.class).isThrownBy(() -> PortGuard.check(null, port))
				.withMessageStartingWith("Port " + port + " is already in use by another program")
				.satisfies((ex) -> assertThat(ex.getPort()).isEqualTo(port));
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void checkOfAPortHeldByAnotherProgramNamesItsPid() throws IOException {
		String pid = "pid " + ProcessHandle.current().pid() + " (";
		try (ServerSocket holder = new ServerSocket(0)) {
			int port = holder.getLocalPort();
			assertThatExceptionOfType(PortInUseException.class).isThrownBy(() -> PortGuard.check(null, port))
				.withMessageContaining("(" + pid)
				.satisfies((ex) -> assertThat(ex.getHolder()).startsWith(pid).endsWith(")"));
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void checkOfAPortSharedWithReusePortIsFalse() throws IOException {
		try (ServerSocketChannel holder = ServerSocketChannel.open()) {
			holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			holder.bind(new InetSocketAddress(0));
			int port = ((InetSocketAddress) holder.getLocalAddress()).getPort();
			assertThat(PortGuard.check(null, port)).isFalse();
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void findListenerIsNullForAPortNoOneListensOn() throws IOException {
		assertThat(PortGuard.findListener(PortGuard.pickFreePort(null))).isNull();
	}

}
