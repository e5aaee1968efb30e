package io.clusterboot.it.app;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.event.ClusterMessageEvent;
import io.clusterboot.message.ClusterMessenger;

/**
 * Endpoints through which the tests look into a worker and make it misbehave.
 */
@RestController
class WorkerController {

	private final Environment environment;

	private final long pid = ProcessHandle.current().pid();

	private final ApplicationContext context;

	private final ObjectProvider<ClusterMessenger> messenger;

	private final List<String> received = new ArrayList<>();

	WorkerController(Environment environment, ApplicationContext context, ObjectProvider<ClusterMessenger> messenger) {
		// Not the id itself: a spare learns it when it is promoted, after this is created
		this.environment = environment;
		this.context = context;
		this.messenger = messenger;
	}

	@GetMapping("/")
	Map<String, Object> hello() {
		return identity();
	}

	@GetMapping("/client")
	Map<String, Object> client(HttpServletRequest request) {
		Map<String, Object> result = identity();
		result.put("remoteAddr", request.getRemoteAddr());
		result.put("remotePort", request.getRemotePort());
		result.put("localAddr", request.getLocalAddr());
		result.put("localPort", request.getLocalPort());
		return result;
	}

	@GetMapping("/jvm")
	Map<String, Object> jvm(@Value("${app.greeting:}") String greeting) {
		Map<String, Object> result = identity();
		result.put("inputArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
		result.put("command", commandLine());
		result.put("workingDirectory", System.getProperty("user.dir"));
		result.put("greeting", greeting);
		result.put("maxHeap", Runtime.getRuntime().maxMemory());
		return result;
	}

	@PostMapping("/exit")
	Map<String, Object> exit(@RequestParam int code) {
		Thread exit = new Thread(() -> {
			sleep(100);
			System.exit(code);
		});
		exit.start();
		return identity();
	}

	@PostMapping("/halt")
	Map<String, Object> halt(@RequestParam int code) {
		Thread halt = new Thread(() -> {
			sleep(100);
			Runtime.getRuntime().halt(code);
		});
		halt.start();
		return identity();
	}

	/**
	 * Start {@code sleep} as a child of this worker, to become an orphan when the worker
	 * is killed.
	 */
	@PostMapping("/spawn")
	Map<String, Object> spawn(@RequestParam int seconds) throws IOException {
		Process child = new ProcessBuilder("sleep", Integer.toString(seconds)).redirectOutput(Redirect.DISCARD)
			.redirectError(Redirect.DISCARD)
			.start();
		Map<String, Object> result = identity();
		result.put("child", child.pid());
		return result;
	}

	@PostMapping("/liveness/broken")
	Map<String, Object> breakLiveness() {
		AvailabilityChangeEvent.publish(this.context, LivenessState.BROKEN);
		return identity();
	}

	@PostMapping("/send/master")
	Map<String, Object> sendToMaster(@RequestParam String text) {
		return sent(this.messenger.getObject().sendToMaster(Map.of("text", text, "from", workerId())));
	}

	@PostMapping("/send/worker/{id}")
	Map<String, Object> sendToWorker(@PathVariable int id, @RequestParam String text) {
		return sent(this.messenger.getObject().sendToWorker(id, Map.of("text", text, "from", workerId())));
	}

	@PostMapping("/send/all")
	Map<String, Object> sendToAll(@RequestParam String text) {
		return sent(this.messenger.getObject().sendToAllWorkers(Map.of("text", text, "from", workerId())));
	}

	@GetMapping("/received")
	Map<String, Object> received() {
		Map<String, Object> result = identity();
		synchronized (this.received) {
			result.put("received", new ArrayList<>(this.received));
		}
		return result;
	}

	@EventListener
	void onMessage(ClusterMessageEvent event) {
		synchronized (this.received) {
			this.received.add(event.getMessage().getSenderId() + ":" + event.getPayload(Map.class).get("text"));
		}
	}

	private static List<String> commandLine() {
		try {
			String cmdline = Files.readString(Path.of("/proc/self/cmdline"));
			return List.of(cmdline.split("\0"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Map<String, Object> sent(boolean sent) {
		Map<String, Object> result = identity();
		result.put("sent", sent);
		return result;
	}

	private Map<String, Object> identity() {
		Map<String, Object> identity = new LinkedHashMap<>();
		identity.put("worker", workerId());
		identity.put("pid", this.pid);
		return identity;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private int workerId() {
		return this.environment.getProperty("cluster.worker.id", Integer.class, 0);
	}

}
