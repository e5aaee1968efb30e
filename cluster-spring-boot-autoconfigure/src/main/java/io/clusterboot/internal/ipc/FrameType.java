package io.clusterboot.internal.ipc;

import org.jspecify.annotations.Nullable;

/**
 * The type byte that starts every frame and the record it carries.
 */
enum FrameType {

	HELLO(1, Frames.Hello.class),

	WELCOME(2, Frames.Welcome.class),

	LISTENING(3, Frames.Listening.class),

	HEARTBEAT(4, Frames.Heartbeat.class),

	MESSAGE(5, Frames.Message.class),

	STATE(7, Frames.State.class),

	REQUEST(8, Frames.Request.class),

	REPLY(9, Frames.Reply.class),

	CREDIT(10, Frames.Credit.class),

	EXITING(11, Frames.Exiting.class),

	CLASS_DATA_DUMPED(12, Frames.ClassDataDumped.class),

	CONTROL_HELLO(13, Frames.ControlHello.class),

	CONTROL_WELCOME(14, Frames.ControlWelcome.class),

	STANDING_BY(15, Frames.StandingBy.class),

	PROMOTE(16, Frames.Promote.class);

	private static final FrameType[] BY_CODE = new FrameType[32];

	static {
		for (FrameType type : values()) {
			BY_CODE[type.code] = type;
		}
	}

	private final byte code;

	private final Class<?> frameClass;

	FrameType(int code, Class<?> frameClass) {
		this.code = (byte) code;
		this.frameClass = frameClass;
	}

	byte code() {
		return this.code;
	}

	Class<?> frameClass() {
		return this.frameClass;
	}

	static @Nullable FrameType forCode(byte code) {
		return (code > 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
	}

	static FrameType forFrame(Object frame) {
		for (FrameType type : values()) {
			if (type.frameClass == frame.getClass()) {
				return type;
			}
		}
		throw new IllegalArgumentException("Not a frame: " + frame.getClass().getName());
	}

}
