package io.clusterboot.internal.master;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.context.FilteredClassLoader;

import io.clusterboot.internal.master.PortSharingResolver.Resolution;
import io.clusterboot.server.PortSharing;
import io.clusterboot.server.SharedPortServers;
import io.clusterboot.server.SharedPortServers.PortSharingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PortSharingResolver}.
 */
class PortSharingResolverTests {

	private static final PortSharingResolver LINUX = new PortSharingResolver("Linux", true, true);

	private static final PortSharingResolver MAC_OS = new PortSharingResolver("Mac OS X", false, true);

	private static final PortSharingResolver WITHOUT_REUSEPORT = new PortSharingResolver("Plan 9", false, false);

	private static final Supplier<List<String>> TOMCAT = () -> List.of("Tomcat");

	private static final Supplier<List<String>> NO_SHARABLE_SERVER = () -> SharedPortServers
		.check(WebApplicationType.SERVLET, new FilteredClassLoader("org.springframework.boot.tomcat",
				"org.springframework.boot.jetty"), 8080);

	@Test
	void autoSharesThePortWhereTheKernelBalancesItAndSaysNothing() throws IOException {
		assertThat(LINUX.resolve(PortSharing.AUTO, TOMCAT)).isEqualTo(new Resolution(PortSharing.REUSEPORT, null, null));
	}

	@Test
	void autoUsesTheProxyWhereTheKernelDoesNotBalanceAndSaysWhy() throws IOException {
		Resolution resolution = MAC_OS.resolve(PortSharing.AUTO, TOMCAT);
		assertThat(resolution.mode()).isEqualTo(PortSharing.PROXY);
		assertThat(resolution.info()).startsWith("Mac OS X does not spread the connections")
			.contains("cluster.port-sharing=proxy");
		assertThat(WITHOUT_REUSEPORT.resolve(PortSharing.AUTO, TOMCAT).mode()).isEqualTo(PortSharing.PROXY);
	}

	@Test
	void autoUsesTheProxyForAWebServerThatCannotShareItsPort() throws IOException {
		Resolution resolution = LINUX.resolve(PortSharing.AUTO, NO_SHARABLE_SERVER);
		assertThat(resolution.mode()).isEqualTo(PortSharing.PROXY);
		assertThat(resolution.info()).contains("none of the web servers whose port cluster mode can share")
			.contains("the master accepts the connections");
	}

	@Test
	void reuseportOnAWebServerThatCannotShareItsPortIsRefusedNamingTheProxy() {
		assertThatExceptionOfType(PortSharingException.class)
			.isThrownBy(() -> LINUX.resolve(PortSharing.REUSEPORT, NO_SHARABLE_SERVER))
			.withMessageContaining("cluster.port-sharing=proxy");
	}

	@Test
	void reuseportWhereTheKernelDoesNotBalanceRunsWithAWarning() throws IOException {
		Resolution resolution = MAC_OS.resolve(PortSharing.REUSEPORT, TOMCAT);
		assertThat(resolution.mode()).isEqualTo(PortSharing.REUSEPORT);
		assertThat(resolution.warning()).contains("one worker will get all of them");
	}

	@Test
	void reuseportWithoutSoReuseportIsRefused() {
		assertThatIllegalStateException().isThrownBy(() -> WITHOUT_REUSEPORT.resolve(PortSharing.REUSEPORT, TOMCAT))
			.withMessageContaining("cluster.port-sharing=proxy");
	}

	@Test
	void proxyIsTakenAsAskedWhateverTheServer() throws IOException {
		assertThat(LINUX.resolve(PortSharing.PROXY, NO_SHARABLE_SERVER))
			.isEqualTo(new Resolution(PortSharing.PROXY, null, null));
	}

}
