package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link Frame}: local consumers get the same immutable instance (no copy per consumer,
 * unlike the default Buffer codec); across cluster nodes it travels as a compact binary record.
 */
public final class FrameCodec implements MessageCodec<Frame, Frame> {

  /** A camera id is at most 64 ASCII characters. */
  static final int MAX_ID_BYTES = 64;
  /** The camera reader's own bound on a JPEG. */
  public static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

  @Override
  public void encodeToWire(Buffer wire, Frame frame) {
    byte[] id = frame.cameraId().getBytes(StandardCharsets.UTF_8);
    wire.appendInt(id.length).appendBytes(id)
        .appendLong(frame.generation()).appendLong(frame.seq()).appendLong(frame.readAt())
        .appendInt(frame.jpeg().length()).appendBuffer(frame.jpeg());
  }

  /**
   * Refuses what no node of ours sends: an id longer than a camera id may be, a JPEG beyond the reader's
   * bound, lengths that run past the message. Another member's bytes are not trusted to be well formed.
   */
  @Override
  public Frame decodeFromWire(int pos, Buffer wire) {
    int idLength = wire.getInt(pos);
    pos += 4;
    check(idLength >= 1 && idLength <= MAX_ID_BYTES && pos + idLength <= wire.length(), "camera id length", idLength);
    String id = wire.getString(pos, pos + idLength, "UTF-8");
    pos += idLength;
    check(pos + 28 <= wire.length(), "header length", wire.length());
    long generation = wire.getLong(pos);
    long seq = wire.getLong(pos + 8);
    long readAt = wire.getLong(pos + 16);
    int jpegLength = wire.getInt(pos + 24);
    pos += 28;
    check(jpegLength >= 0 && jpegLength <= MAX_FRAME_BYTES && pos + jpegLength <= wire.length(), "JPEG length",
        jpegLength);
    return new Frame(id, generation, seq, readAt, wire.getBuffer(pos, pos + jpegLength));
  }

  private static void check(boolean ok, String what, int value) {
    if (!ok) {
      throw new IllegalArgumentException("malformed frame from another node: " + what + " " + value);
    }
  }

  @Override
  public Frame transform(Frame frame) {
    return frame;
  }

  @Override
  public String name() {
    return "visionroi-frame";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
