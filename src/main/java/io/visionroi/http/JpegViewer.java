package io.visionroi.http;

import io.visionroi.bus.Frame;

import java.util.function.Consumer;

/**
 * A JPEG viewer never queues: while the socket cannot take more, only the newest frame is kept and sent when
 * the socket drains (any JPEG stands alone). Frames older than {@code maxFrameDelay} are never sent.
 */
final class JpegViewer extends ViewerBridge {

  private final long maxFrameDelay;
  private Frame pending;

  JpegViewer(ViewerChannel channel, boolean meta, long maxFrameDelayMillis, long sendTimeoutMillis,
      ViewerMeters meters, Consumer<ViewerBridge> onGone) {
    super(channel, meta, sendTimeoutMillis, meters, onGone);
    this.maxFrameDelay = maxFrameDelayMillis;
  }

  @Override
  void offer(Frame frame) {
    if (!open()) {
      return;
    }
    long now = System.currentTimeMillis();
    if (backedUp(now)) {
      if (pending != null) {
        meters.dropped().increment();
      }
      pending = frame;
      return;
    }
    send(frame, now);
  }

  @Override
  void onDrain() {
    Frame frame = pending;
    pending = null;
    if (frame != null) {
      send(frame, System.currentTimeMillis());
    }
  }

  @Override
  void release() {
    pending = null;
  }

  private void send(Frame frame, long now) {
    if (maxFrameDelay > 0 && frame.ageMillis(now) > maxFrameDelay) {
      meters.dropped().increment();
      return;
    }
    write(frame);
  }
}
