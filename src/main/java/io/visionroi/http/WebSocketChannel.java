package io.visionroi.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/** A viewer's WebSocket: text messages for status, binary ones for frames, close codes on close. */
final class WebSocketChannel implements ViewerChannel {

  private final ServerWebSocket socket;

  WebSocketChannel(ServerWebSocket socket) {
    this.socket = socket;
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    socket.closeHandler(handler);
  }

  @Override
  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void sendText(String json) {
    socket.writeTextMessage(json);
  }

  @Override
  public void sendBinary(Buffer data) {
    socket.writeBinaryMessage(data);
  }

  @Override
  public Future<Void> close(short code, String reason) {
    return socket.close(code, reason);
  }
}
