package io.clusterboot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jetty.servlet.JettyServletWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.server.proxy.ProxyProtocol;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for a worker's web server in proxy mode, as the auto-configuration sets it up in
 * a whole Spring MVC application: bound on {@code 127.0.0.1}, it shows a controller the
 * client named by the master's PROXY protocol header.
 */
class ClusterWorkerProxyModeApplicationTests {

	@Test
	void tomcatShowsTheControllerTheClientOfTheHeader() throws IOException {
		assertThat(remoteAddressSeen(TomcatWebServer.class, "--spring.autoconfigure.exclude="
				+ "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration"))
			.endsWith("127.0.0.2:5555");
	}

	@Test
	void jettyShowsTheControllerTheClientOfTheHeader() throws IOException {
		assertThat(remoteAddressSeen(JettyServletWebServer.class, "--spring.autoconfigure.exclude="
				+ "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration"))
			.endsWith("127.0.0.2:5555");
	}

	private static String remoteAddressSeen(Class<? extends WebServer> server, String exclusion) throws IOException {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off",
				"--cluster.worker.id=1", "--cluster.worker.port-sharing=proxy", "--cluster.worker.proxy-protocol=true",
				"--server.address=127.0.0.1", "--server.port=0", exclusion)) {
			WebServer webServer = ((WebServerApplicationContext) context).getWebServer();
			assertThat(webServer).isInstanceOf(server);
			try (Socket socket = new Socket("127.0.0.1", webServer.getPort())) {
				socket.setSoTimeout(10_000);
				String response = exchange(socket);
				assertThat(response).startsWith("HTTP/1.1 200");
				return response;
			}
		}
	}

	private static String exchange(Socket socket) throws IOException {
		ByteBuffer header = ProxyProtocol.header(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5555),
				new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
		OutputStream output = socket.getOutputStream();
		output.write(header.array(), 0, header.remaining());
		output.write("GET /remote HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		output.flush();
		InputStream input = socket.getInputStream();
		StringBuilder response = new StringBuilder();
		while (!response.toString().endsWith("\r\n\r\n")) {
			int read = input.read();
			if (read < 0) {
				return response.toString();
			}
			response.append((char) read);
		}
		int contentLength = 0;
		for (String line : response.toString().split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		response.append(new String(input.readNBytes(contentLength), StandardCharsets.US_ASCII));
		return response.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(RemoteAddressController.class)
	static class TestApplication {

	}

	@RestController
	static class RemoteAddressController {

		@GetMapping("/remote")
		String remote(HttpServletRequest request) {
			return request.getRemoteAddr() + ":" + request.getRemotePort();
		}

	}

}
