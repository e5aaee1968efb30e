package io.clusterboot.it.servers;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says whom a WebFlux worker believes it is talking to.
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class ReactiveClientController {

	@GetMapping("/client")
	Map<String, Object> client(ServerHttpRequest request) {
		InetSocketAddress remote = Objects.requireNonNull(request.getRemoteAddress());
		InetSocketAddress local = Objects.requireNonNull(request.getLocalAddress());
		return Map.of("remoteAddr", remote.getAddress().getHostAddress(), "remotePort", remote.getPort(),
				"localPort", local.getPort());
	}

}
