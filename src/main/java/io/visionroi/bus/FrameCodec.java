package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link Frame}: local consumers get the same immutable instance (no copy per consumer,
 * unlike the default Buffer codec); across cluster nodes it travels as a compact binary record.
 */
public final class FrameCodec implements MessageCodec<Frame, Frame> {

  @Override
  public void encodeToWire(Buffer wire, Frame frame) {
    byte[] id = frame.cameraId().getBytes(StandardCharsets.UTF_8);
    wire.appendInt(id.length).appendBytes(id)
        .appendLong(frame.generation()).appendLong(frame.seq()).appendLong(frame.readAt())
        .appendInt(frame.jpeg().length()).appendBuffer(frame.jpeg());
  }

  @Override
  public Frame decodeFromWire(int pos, Buffer wire) {
    int idLength = wire.getInt(pos);
    pos += 4;
    String id = wire.getString(pos, pos + idLength, "UTF-8");
    pos += idLength;
    long generation = wire.getLong(pos);
    long seq = wire.getLong(pos + 8);
    long readAt = wire.getLong(pos + 16);
    int jpegLength = wire.getInt(pos + 24);
    pos += 28;
    return new Frame(id, generation, seq, readAt, wire.getBuffer(pos, pos + jpegLength));
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
