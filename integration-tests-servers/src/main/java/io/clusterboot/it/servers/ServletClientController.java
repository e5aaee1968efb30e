package io.clusterboot.it.servers;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says whom a Spring MVC worker believes it is talking to.
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ServletClientController {

	@GetMapping("/client")
	Map<String, Object> client(HttpServletRequest request) {
		return Map.of("remoteAddr", request.getRemoteAddr(), "remotePort", request.getRemotePort(), "localPort",
				request.getLocalPort());
	}

}
