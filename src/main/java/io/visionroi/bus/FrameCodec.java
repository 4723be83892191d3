package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Event-bus codec for {@link Frame}: local consumers get the same immutable instance (no copy per consumer,
 * unlike the default Buffer codec); across cluster nodes it travels as a compact binary record. A run of
 * frames (an MP4 init segment and the fragments since the last keyframe) travels as one Buffer of such
 * records ({@link #encodeAll}, {@link #decodeAll}).
 */
public final class FrameCodec implements MessageCodec<Frame, Frame> {

  /** A camera id is at most 64 ASCII characters. */
  static final int MAX_ID_BYTES = 64;
  /** The camera readers' own bound on a JPEG or an MP4 fragment. */
  public static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;
  private static final Frame.Kind[] KINDS = Frame.Kind.values();
  /** After the id: worker, generation, seq, readAt, kind, data length. */
  private static final int AFTER_ID_BYTES = 8 + 8 + 8 + 8 + 1 + 4;

  @Override
  public void encodeToWire(Buffer wire, Frame frame) {
    byte[] id = frame.cameraId().getBytes(StandardCharsets.UTF_8);
    wire.appendInt(id.length).appendBytes(id)
        .appendLong(frame.worker()).appendLong(frame.generation()).appendLong(frame.seq()).appendLong(frame.readAt())
        .appendByte((byte) frame.kind().ordinal())
        .appendInt(frame.data().length()).appendBuffer(frame.data());
  }

  public Buffer encodeAll(List<Frame> frames) {
    Buffer wire = Buffer.buffer();
    frames.forEach(frame -> encodeToWire(wire, frame));
    return wire;
  }

  /** The frames of {@link #encodeAll}, refusing malformed ones as {@link #decodeFromWire} does. */
  public List<Frame> decodeAll(Buffer wire) {
    List<Frame> frames = new ArrayList<>();
    int pos = 0;
    while (pos < wire.length()) {
      Frame frame = decodeFromWire(pos, wire);
      frames.add(frame);
      pos += 4 + frame.cameraId().getBytes(StandardCharsets.UTF_8).length + AFTER_ID_BYTES
          + frame.data().length();
    }
    return frames;
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
    check(pos + AFTER_ID_BYTES <= wire.length(), "header length", wire.length());
    long worker = wire.getLong(pos);
    long generation = wire.getLong(pos + 8);
    long seq = wire.getLong(pos + 16);
    long readAt = wire.getLong(pos + 24);
    int kind = wire.getByte(pos + 32);
    check(kind >= 0 && kind < KINDS.length, "kind", kind);
    int dataLength = wire.getInt(pos + 33);
    pos += AFTER_ID_BYTES;
    check(dataLength >= 0 && dataLength <= MAX_FRAME_BYTES && pos + dataLength <= wire.length(), "data length",
        dataLength);
    return new Frame(id, worker, generation, seq, readAt, KINDS[kind], wire.getBuffer(pos, pos + dataLength));
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
