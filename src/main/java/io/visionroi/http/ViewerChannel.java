package io.visionroi.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * What a viewer's frames travel on: a WebSocket ({@link WebSocketChannel}) or an HTTP response of
 * {@code multipart/x-mixed-replace} ({@link MultipartChannel}). The viewer's rules (pacing, timeouts, when to
 * close) are the same on both.
 */
interface ViewerChannel {

  /** True while what was written has not left yet beyond the channel's bound. */
  boolean writeQueueFull();

  void drainHandler(Handler<Void> handler);

  /** Called once the client or the network closed the channel. */
  void closeHandler(Handler<Void> handler);

  boolean isClosed();

  /** A status message; channels without a text message (multipart) drop it. */
  void sendText(String json);

  /** One picture or fragment, as one message. */
  void sendBinary(Buffer data);

  /** Closes with a WebSocket close code and reason; a multipart response just ends (the code says nothing there). */
  Future<Void> close(short code, String reason);
}
