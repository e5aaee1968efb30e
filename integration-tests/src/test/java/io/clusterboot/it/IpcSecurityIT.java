package io.clusterboot.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The master's IPC socket under attack from a process of the same user that is not one
 * of its workers: every bad connection is closed, and the master and its workers carry
 * on undisturbed. The attacks all hit one cluster, which must come through them all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpcSecurityIT {

	private ClusterProcess cluster;

	private Path socket;

	@BeforeAll
	void startCluster() throws IOException {
		this.cluster = ClusterProcess.start("--cluster.ipc.handshake-timeout=2s").awaitReady();
		this.socket = Path.of(environmentOf(this.cluster.workerPid(1)).get("CLUSTER_MASTER_SOCKET"));
	}

	@AfterAll
	void stopCluster() {
		this.cluster.close();
	}

	@Test
	void randomBytesCloseOnlyThatConnection() throws Exception {
		byte[] garbage = new byte[4096];
		new Random(42).nextBytes(garbage);
		garbage[0] = 0;
		garbage[1] = 0;
		assertClosedByMaster(garbage);
		assertClusterUndisturbed();
	}

	@Test
	void anOversizedLengthPrefixIsRefusedBeforeAnythingIsAllocated() throws Exception {
		assertClosedByMaster(new byte[] { 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1 });
		this.cluster.awaitOutput("Frame length 2147483647 is outside 1\\.\\.");
		assertClusterUndisturbed();
	}

	@Test
	void aHelloWithAWrongSecretIsRefused() throws Exception {
		assertClosedByMaster(hello(1, 12345, "not-the-secret"));
		this.cluster.awaitOutput("Refused IPC peer claiming to be worker 1 \\(pid 12345\\)");
		assertClusterUndisturbed();
	}

	@Test
	void aWorkersSecretCannotBeReplayed() throws Exception {
		long pid = this.cluster.workerPid(2);
		String secret = environmentOf(pid).get("CLUSTER_MASTER_SECRET");
		assertClosedByMaster(hello(2, pid, secret));
		assertClusterUndisturbed();
	}

	@Test
	void aConnectionThatSaysNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
		assertClosedByMaster(new byte[0]);
		this.cluster.awaitOutput("Closed unauthenticated IPC connection: no hello within 2000ms");
		assertClusterUndisturbed();
	}

	@Test
	@Order(Integer.MAX_VALUE)
	void theSocketDirectoryIsPrivateAndRemovedWhenTheMasterExits() throws Exception {
		Path directory = this.socket.getParent();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
		this.cluster.signal(this.cluster.masterPid(), "TERM");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(directory).doesNotExist();
	}

	private void assertClosedByMaster(byte[] bytes) throws Exception {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.socket));
			if (bytes.length > 0) {
				channel.write(ByteBuffer.wrap(bytes));
			}
			ExecutorService reader = Executors.newSingleThreadExecutor();
			Future<Integer> read = reader.submit(() -> {
				ByteBuffer buffer = ByteBuffer.allocate(1024);
				int count;
				while ((count = channel.read(buffer.clear())) >= 0) {
					// The master has nothing to say to an intruder; wait for the close
				}
				return count;
			});
			try {
				assertThat(read.get(15, TimeUnit.SECONDS)).isEqualTo(-1);
			}
			finally {
				reader.shutdownNow();
			}
		}
	}

	private void assertClusterUndisturbed() {
		assertThat(this.cluster.master().isAlive()).isTrue();
		assertThat(this.cluster.answeringWorkers(40)).containsOnlyKeys(1, 2);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cluster.events("exited")).isEmpty());
		assertThat(this.cluster.events("disconnected")).isEmpty();
	}

	private static byte[] hello(int workerId, long pid, String secret) {
		byte[] json = ("{\"workerId\":" + workerId + ",\"pid\":" + pid + ",\"secret\":\"" + secret + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(5 + json.length).putInt(json.length + 1).put((byte) 1).put(json).array();
	}

	private static Map<String, String> environmentOf(long pid) throws IOException {
		String environ = Files.readString(Path.of("/proc", Long.toString(pid), "environ"));
		Map<String, String> environment = new java.util.HashMap<>();
		for (String entry : environ.split("\0")) {
			int equals = entry.indexOf('=');
			if (equals > 0) {
				environment.put(entry.substring(0, equals), entry.substring(equals + 1));
			}
		}
		return environment;
	}

}
