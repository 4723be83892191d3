package io.visionroi.http;

import io.visionroi.bus.Frame;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * One WebSocket viewer of one camera. It never queues: while the socket cannot take more, only the newest
 * frame is kept and sent when the socket drains. Frames older than {@code maxFrameDelay} are never sent;
 * a viewer blocked longer than {@code sendTimeout} is closed. Runs on the HTTP verticle's event loop.
 */
final class ViewerBridge {

  private final ServerWebSocket socket;
  private final boolean meta;
  private final long maxFrameDelay;
  private final long sendTimeout;
  private final Consumer<ViewerBridge> onGone;
  private final ViewerMeters meters;

  private Frame pending;
  private long blockedSince;
  private boolean closed;

  /**
   * @param onGone called once when this viewer is closed, by either side: the viewer then gets no more
   *               frames, even while a stuck client has not yet taken its close frame
   */
  ViewerBridge(ServerWebSocket socket, boolean meta, long maxFrameDelayMillis, long sendTimeoutMillis,
      ViewerMeters meters, Consumer<ViewerBridge> onGone) {
    this.meters = meters;
    this.socket = socket;
    this.meta = meta;
    this.maxFrameDelay = maxFrameDelayMillis;
    this.sendTimeout = sendTimeoutMillis;
    this.onGone = onGone;
    socket.drainHandler(v -> onDrain());
    socket.closeHandler(v -> gone());
  }

  void offer(Frame frame) {
    if (!open()) {
      return;
    }
    long now = System.currentTimeMillis();
    if (socket.writeQueueFull()) {
      if (pending != null) {
        meters.dropped().increment();
      }
      pending = frame;
      if (blockedSince == 0) {
        blockedSince = now;
      } else if (sendTimeout > 0 && now - blockedSince >= sendTimeout) {
        close(CloseCodes.VIEWER_TOO_SLOW, "viewer too slow");
      }
      return;
    }
    send(frame, now);
  }

  void sendStatus(JsonObject status) {
    if (open()) {
      socket.writeTextMessage(status.copy().put("type", "status").encode());
    }
  }

  Future<Void> close(short code, String reason) {
    if (!open()) {
      return Future.succeededFuture();
    }
    gone();
    return socket.close(code, reason);
  }

  /** The client may have closed before our close handler ran: writing then would throw. */
  private boolean open() {
    return !closed && !socket.isClosed();
  }

  private void gone() {
    if (!closed) {
      closed = true;
      pending = null;
      onGone.accept(this);
    }
  }

  private void onDrain() {
    blockedSince = 0;
    Frame frame = pending;
    pending = null;
    if (frame != null && open()) {
      send(frame, System.currentTimeMillis());
    }
  }

  private void send(Frame frame, long now) {
    if (maxFrameDelay > 0 && frame.ageMillis(now) > maxFrameDelay) {
      meters.dropped().increment();
      return;
    }
    if (meta) {
      socket.writeTextMessage("{\"type\":\"frame\",\"seq\":" + frame.seq() + ",\"ts\":" + frame.readAt() + "}");
    }
    socket.writeBinaryMessage(frame.jpeg());
    meters.sent().increment();
    meters.bytes().increment(frame.jpeg().length());
  }
}
