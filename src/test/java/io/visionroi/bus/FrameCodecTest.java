package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Frames as they cross nodes, and bytes that no node of ours would send. */
class FrameCodecTest {

  private final FrameCodec codec = new FrameCodec();

  @Test
  void aFrameCrossesIntact() {
    Frame frame = new Frame("door", -7_123_456_789L, 3, 42, 1_700_000_000_000L, Frame.Kind.MP4_KEY, Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}));
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, frame);
    Frame back = codec.decodeFromWire(6, wire);
    assertEquals(frame, back, "every field, the worker's mark and the bytes included");
  }

  @Test
  void lengthsThatRunPastTheMessageOrTheBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> codec.decodeFromWire(0, Buffer.buffer().appendInt(Integer.MAX_VALUE).appendString("door")));
    Buffer hugeJpeg = Buffer.buffer().appendInt(4).appendString("door").appendLong(1).appendLong(1).appendLong(1).appendLong(1)
        .appendByte((byte) 0).appendInt(FrameCodec.MAX_FRAME_BYTES + 1);
    assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, hugeJpeg));
    Buffer shortJpeg = Buffer.buffer().appendInt(4).appendString("door").appendLong(1).appendLong(1).appendLong(1).appendLong(1)
        .appendByte((byte) 0).appendInt(1000).appendBytes(new byte[10]);
    assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, shortJpeg));
    assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, Buffer.buffer().appendInt(-1)));
  }
}
