package io.clusterboot.server.jetty;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Makes Jetty answer every HTTP/1.1 request on a connector whose listening socket is
 * closed ({@link JettyDrainLifecycle}) with {@code Connection: close}, but with none of
 * the informational responses, a {@code 101} (a WebSocket handshake) among them. Jetty
 * then closes the connection after the response.
 * <p>
 * Jetty's own graceful shutdown of a connector closes every HTTP/1.1 connection after its
 * next response too, but it also adds {@code close} to the {@code 101} of a WebSocket
 * handshake, which then says {@code Connection: Upgrade,close}: Java's and OkHttp's
 * WebSocket clients refuse such a handshake. A drain therefore only closes the
 * connector's listening channel, and this customizer adds {@code Connection: close} as
 * each response is committed, so that a request already in progress when the drain
 * starts gets it too. An upgraded connection stays what it is (a drain closes WebSocket
 * sessions with 1001 on its own). A response committed before the drain started goes
 * without it, and its connection is closed once idle, like a connection with no request.
 */
final class DrainingCustomizer implements HttpConfiguration.Customizer {

	/**
	 * Add this customizer to the HTTP configuration of each of the server's network
	 * connectors. Their HTTP/2 connection factory (h2c) shares that configuration, and
	 * its requests are left alone: a drain sends {@code GOAWAY} to their sessions.
	 * @param server the server, with its connectors
	 */
	static void install(Server server) {
		for (Connector connector : server.getConnectors()) {
			HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
			if (connector instanceof NetworkConnector && http != null) {
				HttpConfiguration configuration = http.getHttpConfiguration();
				if (configuration.getCustomizer(DrainingCustomizer.class) == null) {
					configuration.addCustomizer(new DrainingCustomizer());
				}
			}
		}
	}

	@Override
	public Request customize(Request request, HttpFields.Mutable responseHeaders) {
		HttpVersion version = request.getConnectionMetaData().getHttpVersion();
		if ((version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0)
				&& request.getConnectionMetaData().getConnector() instanceof NetworkConnector connector) {
			request.addHttpStreamWrapper((stream) -> new ClosingStream(stream, connector));
		}
		return request;
	}

	/**
	 * The stream of one HTTP/1.1 request, which adds {@code Connection: close} to its
	 * response when it is committed after the connector's listening socket closed.
	 */
	private static final class ClosingStream extends HttpStream.Wrapper {

		private final NetworkConnector connector;

		ClosingStream(HttpStream stream, NetworkConnector connector) {
			super(stream);
			this.connector = connector;
		}

		@Override
		public void send(MetaData.Request request, MetaData.@Nullable Response response, boolean last,
				@Nullable ByteBuffer content, Callback callback) {
			MetaData.@Nullable Response sent = response;
			if (response != null && !HttpStatus.isInformational(response.getStatus()) && !this.connector.isOpen()) {
				sent = withConnectionClose(response);
			}
			super.send(request, sent, last, content, callback);
		}

		private static MetaData.Response withConnectionClose(MetaData.Response response) {
			HttpFields.Mutable headers = HttpFields.build(response.getHttpFields());
			headers.ensureField(HttpFields.CONNECTION_CLOSE);
			return new MetaData.Response(response.getStatus(), response.getReason(), response.getHttpVersion(), headers,
					response.getContentLength(), response.getTrailersSupplier());
		}

	}

}
