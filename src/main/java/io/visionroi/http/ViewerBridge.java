package io.visionroi.http;

import io.visionroi.bus.Frame;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

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

  private Frame pending;
  private long blockedSince;
  private boolean closed;

  ViewerBridge(ServerWebSocket socket, boolean meta, long maxFrameDelayMillis, long sendTimeoutMillis) {
    this.socket = socket;
    this.meta = meta;
    this.maxFrameDelay = maxFrameDelayMillis;
    this.sendTimeout = sendTimeoutMillis;
    socket.drainHandler(v -> onDrain());
  }

  void offer(Frame frame) {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    if (socket.writeQueueFull()) {
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
    if (!closed) {
      socket.writeTextMessage(status.copy().put("type", "status").encode());
    }
  }

  Future<Void> close(short code, String reason) {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    pending = null;
    return socket.close(code, reason);
  }

  private void onDrain() {
    blockedSince = 0;
    Frame frame = pending;
    pending = null;
    if (frame != null && !closed) {
      send(frame, System.currentTimeMillis());
    }
  }

  private void send(Frame frame, long now) {
    if (maxFrameDelay > 0 && frame.ageMillis(now) > maxFrameDelay) {
      return;
    }
    if (meta) {
      socket.writeTextMessage("{\"type\":\"frame\",\"seq\":" + frame.seq() + ",\"ts\":" + frame.readAt() + "}");
    }
    socket.writeBinaryMessage(frame.jpeg());
  }
}
