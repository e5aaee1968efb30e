package io.clusterboot.server.tomcat;

import org.apache.coyote.Adapter;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.tomcat.util.net.SocketEvent;

/**
 * Tomcat's adapter, which hands each request to the web application, made to answer
 * every HTTP/1.1 request with {@code Connection: close} while its endpoint drains
 * ({@link ReusePortNioEndpoint#isDraining()}), except a request for a protocol upgrade
 * such as a WebSocket handshake.
 * <p>
 * Tomcat would close every connection itself once its listening socket is closed, by
 * turning keep-alive off, but it then also adds {@code Connection: close} to the
 * {@code 101} of an upgrade, which already says {@code Connection: Upgrade}: Java's and
 * OkHttp's WebSocket clients refuse such a handshake. Told here instead, Tomcat closes the
 * connection after the response just the same, and an upgraded connection stays what it
 * is (a drain closes WebSocket sessions with 1001 on its own).
 */
final class DrainingAdapter implements Adapter {

	private final Adapter adapter;

	private final ReusePortNioEndpoint endpoint;

	DrainingAdapter(Adapter adapter, ReusePortNioEndpoint endpoint) {
		this.adapter = adapter;
		this.endpoint = endpoint;
	}

	@Override
	public void service(Request request, Response response) throws Exception {
		if (this.endpoint.isDraining() && !request.protocol().equals("HTTP/2.0")
				&& request.getHeader("Upgrade") == null) {
			response.setHeader("Connection", "close");
		}
		this.adapter.service(request, response);
	}

	@Override
	public boolean prepare(Request request, Response response) throws Exception {
		return this.adapter.prepare(request, response);
	}

	@Override
	public boolean asyncDispatch(Request request, Response response, SocketEvent status) throws Exception {
		return this.adapter.asyncDispatch(request, response, status);
	}

	@Override
	public void log(Request request, Response response, long time) {
		this.adapter.log(request, response, time);
	}

	@Override
	public void checkRecycled(Request request, Response response) {
		this.adapter.checkRecycled(request, response);
	}

	@Override
	public String getDomain() {
		return this.adapter.getDomain();
	}

}
