package io.visionroi.http;

import io.visionroi.bus.Frame;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * One viewer of one camera, in one format, on its {@link ViewerChannel} (a WebSocket, or an MJPEG HTTP
 * response): status messages, close, and the rule that a viewer blocked longer than {@code sendTimeout} is
 * closed. Which frames it sends while its channel cannot take more is the format's business
 * ({@link JpegViewer}, {@link Mp4Viewer}). Runs on the HTTP verticle's event loop.
 */
abstract class ViewerBridge {

  private final ViewerChannel channel;
  private final boolean meta;
  private final long sendTimeout;
  private final Consumer<ViewerBridge> onGone;
  protected final ViewerMeters meters;

  private long blockedSince;
  private boolean closed;

  /**
   * @param onGone called once when this viewer is closed, by either side: the viewer then gets no more
   *               frames, even while a stuck client has not yet taken its close frame
   */
  ViewerBridge(ViewerChannel channel, boolean meta, long sendTimeoutMillis, ViewerMeters meters,
      Consumer<ViewerBridge> onGone) {
    this.meters = meters;
    this.channel = channel;
    this.meta = meta;
    this.sendTimeout = sendTimeoutMillis;
    this.onGone = onGone;
    channel.drainHandler(v -> {
      blockedSince = 0;
      if (open()) {
        onDrain();
      }
    });
    channel.closeHandler(v -> gone());
  }

  /** The next frame of the camera's stream in this viewer's format. */
  abstract void offer(Frame frame);

  /** The socket can take more again. */
  abstract void onDrain();

  /** Lets go of frames held for sending. */
  abstract void release();

  void sendStatus(JsonObject status) {
    if (open()) {
      channel.sendText(status.copy().put("type", "status").encode());
    }
  }

  Future<Void> close(short code, String reason) {
    if (!open()) {
      return Future.succeededFuture();
    }
    gone();
    return channel.close(code, reason);
  }

  /** The client may have closed before our close handler ran: writing then would throw. */
  protected boolean open() {
    return !closed && !channel.isClosed();
  }

  /** True while the socket cannot take more; a viewer that stays so longer than sendTimeout is closed. */
  protected boolean backedUp(long now) {
    if (!channel.writeQueueFull()) {
      return false;
    }
    if (blockedSince == 0) {
      blockedSince = now;
    } else if (sendTimeout > 0 && now - blockedSince >= sendTimeout) {
      close(CloseCodes.VIEWER_TOO_SLOW, "viewer too slow");
    }
    return true;
  }

  protected void write(Frame frame) {
    if (meta) {
      channel.sendText("{\"type\":\"frame\",\"seq\":" + frame.seq() + ",\"ts\":" + frame.readAt() + "}");
    }
    channel.sendBinary(frame.data());
    meters.sent().increment();
    meters.bytes().increment(frame.data().length());
  }

  private void gone() {
    if (!closed) {
      closed = true;
      release();
      onGone.accept(this);
    }
  }
}
