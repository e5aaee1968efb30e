package io.clusterboot.load;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LoadTarget}.
 */
class LoadTargetTests {

	@Test
	void acceptsIpv4Loopback() throws Exception {
		LoadTarget target = LoadTarget.of(URI.create("http://127.0.0.1:8080/a/b?x=1&y=%20"));
		assertThat(target.address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
		assertThat(target.address().getPort()).isEqualTo(8080);
		assertThat(target.hostHeader()).isEqualTo("127.0.0.1:8080");
		assertThat(target.requestTarget()).isEqualTo("/a/b?x=1&y=%20");
	}

	@Test
	void defaultsToPort80AndRootPath() {
		LoadTarget target = LoadTarget.of(URI.create("http://127.0.0.1"));
		assertThat(target.address().getPort()).isEqualTo(80);
		assertThat(target.hostHeader()).isEqualTo("127.0.0.1");
		assertThat(target.requestTarget()).isEqualTo("/");
	}

	@Test
	void acceptsIpv6Loopback() {
		LoadTarget target = LoadTarget.of(URI.create("http://[::1]:8080/"));
		assertThat(target.address().getAddress()).isInstanceOf(Inet6Address.class);
		assertThat(target.address().getAddress().isLoopbackAddress()).isTrue();
		assertThat(target.hostHeader()).isEqualTo("[::1]:8080");
	}

	@Test
	void acceptsLocalhostResolvedToLoopback() {
		LoadTarget target = LoadTarget.of(URI.create("http://localhost:8080/"));
		assertThat(target.address().getAddress().getHostAddress()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
		assertThat(target.hostHeader()).isEqualTo("localhost:8080");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://example.com/", "http://10.0.0.1:8080/", "http://127.0.0.2:8080/",
			"http://0.0.0.0:8080/", "http://[::2]:8080/", "http://127.1:8080/", "http://user@127.0.0.1:8080/",
			"https://127.0.0.1:8443/", "ftp://127.0.0.1/", "/relative", "mailto:someone@127.0.0.1" })
	void refusesAnythingElse(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> LoadTarget.of(URI.create(url)))
			.withMessageStartingWith("Refusing to send load to '" + url + "'")
			.withMessageContaining("Only http:// URLs on 127.0.0.1, [::1] or localhost are allowed");
	}

	@Test
	void builderRefusesNonLoopbackUrl() {
		assertThatIllegalArgumentException().isThrownBy(() -> LoadRun.builder(URI.create("http://example.com/")))
			.withMessageContaining("Refusing to send load to 'http://example.com/'");
	}

}
