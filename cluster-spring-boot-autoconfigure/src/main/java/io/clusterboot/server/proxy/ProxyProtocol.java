package io.clusterboot.server.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Version 2 of HAProxy's PROXY protocol, the binary one: the few bytes a proxy sends
 * before a connection's own bytes to say whom the connection is from. Its length is in its
 * first 16 bytes, so a reader takes exactly the header off the stream with two reads and
 * leaves the client's bytes for the server, which is why proxy mode uses it rather than
 * the text version. Jetty and Reactor Netty read it themselves; for Tomcat the endpoint
 * reads it with {@link #readSource(InputStream)}.
 *
 * @since 0.1.0
 * @see <a href="https://www.haproxy.org/download/3.0/doc/proxy-protocol.txt">The PROXY
 * protocol</a>
 */
public final class ProxyProtocol {

	private static final byte[] SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
			0x0A };

	private static final int PREFIX_LENGTH = 16;

	private static final int VERSION_2 = 0x20;

	private static final int COMMAND_LOCAL = 0x00;

	private static final int COMMAND_PROXY = 0x01;

	private static final int TCP_OVER_IPV4 = 0x11;

	private static final int TCP_OVER_IPV6 = 0x21;

	private static final int IPV4_ADDRESSES_LENGTH = 12;

	private static final int IPV6_ADDRESSES_LENGTH = 36;

	/**
	 * The longest header {@link #readSource(InputStream)} accepts: the addresses and a
	 * few extensions (TLVs) some proxies add.
	 */
	private static final int MAX_ADDRESSES_LENGTH = 512;

	private ProxyProtocol() {
	}

	/**
	 * The header of a TCP connection from {@code client} to {@code server}.
	 * @param client the address and port the connection comes from
	 * @param server the address and port the client connected to
	 * @return the header, ready to be written
	 */
	public static ByteBuffer header(InetSocketAddress client, InetSocketAddress server) {
		InetAddress source = client.getAddress();
		InetAddress destination = server.getAddress();
		boolean ipv4 = source instanceof Inet4Address && destination instanceof Inet4Address;
		int addressesLength = ipv4 ? IPV4_ADDRESSES_LENGTH : IPV6_ADDRESSES_LENGTH;
		ByteBuffer header = ByteBuffer.allocate(PREFIX_LENGTH + addressesLength);
		header.put(SIGNATURE);
		header.put((byte) (VERSION_2 | COMMAND_PROXY));
		header.put((byte) (ipv4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6));
		header.putShort((short) addressesLength);
		header.put(ipv4 ? source.getAddress() : ipv6(source));
		header.put(ipv4 ? destination.getAddress() : ipv6(destination));
		header.putShort((short) client.getPort());
		header.putShort((short) server.getPort());
		return header.flip();
	}

	/**
	 * An address as 16 bytes: itself if IPv6, else IPv4-mapped ({@code ::ffff:a.b.c.d}).
	 */
	private static byte[] ipv6(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 16) {
			return bytes;
		}
		byte[] mapped = new byte[16];
		mapped[10] = (byte) 0xFF;
		mapped[11] = (byte) 0xFF;
		System.arraycopy(bytes, 0, mapped, 12, 4);
		return mapped;
	}

	/**
	 * Read a header off a stream, taking exactly its bytes and no more.
	 * @param input the connection's stream, at its first byte
	 * @return the address and port the connection comes from, or {@code null} for a
	 * {@code LOCAL} header or an address family other than TCP over IPv4 or IPv6, where the
	 * connection's own addresses stand
	 * @throws MalformedHeaderException if the bytes are not a version 2 header
	 * @throws IOException if the stream cannot be read or ends within the header
	 */
	public static @Nullable InetSocketAddress readSource(InputStream input) throws IOException {
		byte[] prefix = readFully(input, PREFIX_LENGTH);
		if (!Arrays.equals(prefix, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
			throw new MalformedHeaderException("The connection did not start with a PROXY protocol v2 header");
		}
		int version = prefix[12] & 0xF0;
		int command = prefix[12] & 0x0F;
		if (version != VERSION_2 || (command != COMMAND_LOCAL && command != COMMAND_PROXY)) {
			throw new MalformedHeaderException(
					"Unsupported PROXY protocol version or command 0x" + Integer.toHexString(prefix[12] & 0xFF));
		}
		int family = prefix[13] & 0xFF;
		int length = ((prefix[14] & 0xFF) << 8) | (prefix[15] & 0xFF);
		if (length > MAX_ADDRESSES_LENGTH) {
			throw new MalformedHeaderException("PROXY protocol header of " + length + " bytes is too long");
		}
		byte[] addresses = readFully(input, length);
		if (command == COMMAND_LOCAL) {
			return null;
		}
		if (family == TCP_OVER_IPV4 && length >= IPV4_ADDRESSES_LENGTH) {
			return source(addresses, 4);
		}
		if (family == TCP_OVER_IPV6 && length >= IPV6_ADDRESSES_LENGTH) {
			return source(addresses, 16);
		}
		if (family == TCP_OVER_IPV4 || family == TCP_OVER_IPV6) {
			throw new MalformedHeaderException("PROXY protocol header of " + length + " bytes is too short for its "
					+ ((family == TCP_OVER_IPV4) ? "IPv4" : "IPv6") + " addresses");
		}
		return null;
	}

	private static InetSocketAddress source(byte[] addresses, int addressLength) throws UnknownHostException {
		InetAddress address = InetAddress.getByAddress(Arrays.copyOfRange(addresses, 0, addressLength));
		int portOffset = 2 * addressLength;
		int port = ((addresses[portOffset] & 0xFF) << 8) | (addresses[portOffset + 1] & 0xFF);
		return new InetSocketAddress(address, port);
	}

	private static byte[] readFully(InputStream input, int length) throws IOException {
		byte[] bytes = input.readNBytes(length);
		if (bytes.length < length) {
			throw new EOFException("The connection ended within its PROXY protocol header (" + bytes.length + " of "
					+ length + " bytes)");
		}
		return bytes;
	}

	/**
	 * Thrown when a connection does not start with a PROXY protocol header.
	 */
	public static class MalformedHeaderException extends IOException {

		MalformedHeaderException(String message) {
			super(message);
		}

	}

}
