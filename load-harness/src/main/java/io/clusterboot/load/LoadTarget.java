package io.clusterboot.load;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The loopback address and request target of an {@code http://} URL that a
 * {@link LoadRun} may send load to.
 */
final class LoadTarget {

	private static final byte[] IPV4_LOOPBACK = { 127, 0, 0, 1 };

	private final URI uri;

	private final InetSocketAddress address;

	private final String hostHeader;

	private final String requestTarget;

	private LoadTarget(URI uri, InetSocketAddress address, String hostHeader, String requestTarget) {
		this.uri = uri;
		this.address = address;
		this.hostHeader = hostHeader;
		this.requestTarget = requestTarget;
	}

	/**
	 * Check that the URL is {@code http://} on 127.0.0.1, [::1] or {@code localhost}
	 * (resolved to one of them) and nothing else: load is never sent off this machine.
	 * @param uri the URL
	 * @return the target
	 * @throws IllegalArgumentException if the URL is not such a loopback URL
	 */
	static LoadTarget of(URI uri) {
		if (uri.isOpaque() || uri.getScheme() == null || !"http".equalsIgnoreCase(uri.getScheme())) {
			throw refused(uri, "its scheme is not http");
		}
		String host = uri.getHost();
		if (host == null) {
			throw refused(uri, "it has no valid host");
		}
		if (uri.getRawUserInfo() != null) {
			throw refused(uri, "it has user information");
		}
		int port = (uri.getPort() != -1) ? uri.getPort() : 80;
		InetAddress address = loopbackAddress(uri, host);
		String hostHeader = (uri.getPort() != -1) ? host + ":" + port : host;
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		String requestTarget = (uri.getRawQuery() != null) ? path + "?" + uri.getRawQuery() : path;
		return new LoadTarget(uri, new InetSocketAddress(address, port), hostHeader, requestTarget);
	}

	private static InetAddress loopbackAddress(URI uri, String host) {
		try {
			if (host.startsWith("[") && host.endsWith("]")) {
				// An IPv6 literal: parsed, never looked up
				InetAddress address = InetAddress.getByName(host.substring(1, host.length() - 1));
				if (isAllowed(address)) {
					return address;
				}
			}
			else if (host.equals("127.0.0.1")) {
				return InetAddress.getByAddress(IPV4_LOOPBACK);
			}
			else if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
				for (InetAddress address : InetAddress.getAllByName(host)) {
					if (isAllowed(address)) {
						return address;
					}
				}
				throw refused(uri, "localhost resolves to neither 127.0.0.1 nor ::1 here");
			}
		}
		catch (UnknownHostException ex) {
			throw refused(uri, ex.getMessage());
		}
		throw refused(uri, "host " + host + " is not a loopback address");
	}

	private static boolean isAllowed(InetAddress address) {
		if (address instanceof Inet4Address) {
			return address.getHostAddress().equals("127.0.0.1");
		}
		return address instanceof Inet6Address inet6 && inet6.isLoopbackAddress() && inet6.getScopeId() == 0;
	}

	private static IllegalArgumentException refused(URI uri, String reason) {
		return new IllegalArgumentException("Refusing to send load to '" + uri + "': " + reason
				+ ". Only http:// URLs on 127.0.0.1, [::1] or localhost are allowed, so that load never leaves this machine.");
	}

	URI uri() {
		return this.uri;
	}

	InetSocketAddress address() {
		return this.address;
	}

	String hostHeader() {
		return this.hostHeader;
	}

	String requestTarget() {
		return this.requestTarget;
	}

}
