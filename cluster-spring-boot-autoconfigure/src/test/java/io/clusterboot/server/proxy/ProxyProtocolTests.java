package io.clusterboot.server.proxy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ProxyProtocol}.
 */
class ProxyProtocolTests {

	private static final byte[] REQUEST = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

	@Test
	void anIpv4HeaderIsTheSpecificationsExampleAndReadsBackLeavingTheRequest() throws IOException {
		ByteBuffer header = ProxyProtocol.header(new InetSocketAddress("127.0.0.2", 51000),
				new InetSocketAddress("127.0.0.1", 8080));
		assertThat(header.remaining()).isEqualTo(28);
		assertThat(header.get(12)).isEqualTo((byte) 0x21);
		assertThat(header.get(13)).isEqualTo((byte) 0x11);
		InputStream input = new ByteArrayInputStream(concat(header, REQUEST));
		assertThat(ProxyProtocol.readSource(input)).isEqualTo(new InetSocketAddress("127.0.0.2", 51000));
		assertThat(input.readAllBytes()).isEqualTo(REQUEST);
	}

	@Test
	void anIpv6ClientGetsAnIpv6HeaderAndAMixedPairIsMapped() throws IOException {
		ByteBuffer ipv6 = ProxyProtocol.header(new InetSocketAddress("::1", 65535), new InetSocketAddress("::1", 1));
		assertThat(ipv6.remaining()).isEqualTo(52);
		assertThat(ProxyProtocol.readSource(new ByteArrayInputStream(concat(ipv6, REQUEST))))
			.isEqualTo(new InetSocketAddress("::1", 65535));
		ByteBuffer mixed = ProxyProtocol.header(new InetSocketAddress("10.1.2.3", 40000),
				new InetSocketAddress("::1", 8080));
		assertThat(mixed.get(13)).isEqualTo((byte) 0x21);
		assertThat(ProxyProtocol.readSource(new ByteArrayInputStream(concat(mixed, REQUEST))))
			.isEqualTo(new InetSocketAddress("10.1.2.3", 40000));
	}

	@Test
	void aLocalHeaderKeepsTheConnectionsOwnAddress() throws IOException {
		byte[] local = concat(ProxyProtocol.header(new InetSocketAddress("127.0.0.2", 1),
				new InetSocketAddress("127.0.0.1", 2)), new byte[0]);
		local[12] = 0x20;
		assertThat(ProxyProtocol.readSource(new ByteArrayInputStream(local))).isNull();
	}

	@Test
	void aPlainHttpRequestIsRefusedWithoutReadingPastTheLengthOfAPrefix() {
		InputStream input = new ByteArrayInputStream(REQUEST);
		assertThatExceptionOfType(ProxyProtocol.MalformedHeaderException.class)
			.isThrownBy(() -> ProxyProtocol.readSource(input))
			.withMessageContaining("did not start with a PROXY protocol v2 header");
	}

	@Test
	void aTruncatedHeaderAndAnAbsurdLengthAreRefused() {
		byte[] header = concat(ProxyProtocol.header(new InetSocketAddress("127.0.0.2", 1),
				new InetSocketAddress("127.0.0.1", 2)), new byte[0]);
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> ProxyProtocol.readSource(new ByteArrayInputStream(header, 0, 20)))
			.withMessageContaining("4 of 12 bytes");
		header[14] = 0x7F;
		assertThatExceptionOfType(ProxyProtocol.MalformedHeaderException.class)
			.isThrownBy(() -> ProxyProtocol.readSource(new ByteArrayInputStream(header)))
			.withMessageContaining("too long");
		header[14] = 0;
		header[15] = 4;
		assertThatExceptionOfType(ProxyProtocol.MalformedHeaderException.class)
			.isThrownBy(() -> ProxyProtocol.readSource(new ByteArrayInputStream(header)))
			.withMessageContaining("too short for its IPv4 addresses");
	}

	private static byte[] concat(ByteBuffer header, byte[] rest) {
		byte[] bytes = new byte[header.remaining() + rest.length];
		header.duplicate().get(bytes, 0, header.remaining());
		System.arraycopy(rest, 0, bytes, header.remaining(), rest.length);
		return bytes;
	}

}
