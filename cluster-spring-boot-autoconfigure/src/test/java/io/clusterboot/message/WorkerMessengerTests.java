package io.clusterboot.message;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.worker.WorkerRuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * Tests for {@link WorkerMessenger}.
 */
class WorkerMessengerTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final WorkerRuntime runtime = mock(WorkerRuntime.class);

	private final WorkerMessenger messenger = new WorkerMessenger(this.runtime);

	@BeforeEach
	void connectWorkerThree() {
		given(this.runtime.getWorkerId()).willReturn(3);
		given(this.runtime.getMapper()).willReturn(this.mapper);
		given(this.runtime.sendMessage(anyInt(), any())).willReturn(true);
	}

	@Test
	void sendToMasterAddressesTheMaster() {
		assertThat(this.messenger.sendToMaster(Map.of("evict", "user:1"))).isTrue();
		assertThat(sent())
			.isEqualTo(new Frames.Message(3, Frames.MASTER, this.mapper.readTree("{\"evict\":\"user:1\"}")));
	}

	@Test
	void sendToWorkerAddressesThatWorker() {
		assertThat(this.messenger.sendToWorker(2, "hello")).isTrue();
		assertThat(sent()).isEqualTo(new Frames.Message(3, 2, this.mapper.readTree("\"hello\"")));
	}

	@Test
	void sendToAllWorkersAddressesEveryWorker() {
		assertThat(this.messenger.sendToAllWorkers(42)).isTrue();
		assertThat(sent()).isEqualTo(new Frames.Message(3, Frames.ALL_WORKERS, this.mapper.readTree("42")));
	}

	@Test
	void sendToWorkerRejectsIdsBelowOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.messenger.sendToWorker(0, "hello"))
			.withMessage("Worker ids start at 1, not 0");
		then(this.runtime).should(never()).sendMessage(anyInt(), any());
	}

	@Test
	void sendReportsAFrameTheChannelRefused() {
		given(this.runtime.sendMessage(anyInt(), any())).willReturn(false);
		assertThat(this.messenger.sendToMaster("hello")).isFalse();
	}

	private Frames.Message sent() {
		ArgumentCaptor<Integer> target = ArgumentCaptor.forClass(Integer.class);
		ArgumentCaptor<JsonNode> payload = ArgumentCaptor.forClass(JsonNode.class);
		then(this.runtime).should().sendMessage(target.capture(), payload.capture());
		return new Frames.Message(3, target.getValue(), payload.getValue());
	}

}
