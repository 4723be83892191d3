package io.visionroi.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A viewer on one long HTTP response ({@code stream.mjpeg}, {@code stream.mp4}): status messages are dropped,
 * the end of the response says that the stream ended (the client reconnects). A viewer closed before its first
 * byte gets a JSON error instead of an empty stream: 503 while the camera has no video, 415 for a format the
 * camera does not send.
 */
abstract class ResponseChannel implements ViewerChannel {

  protected final HttpServerResponse response;
  private Handler<Void> closeHandler;
  private boolean ended;

  ResponseChannel(HttpServerResponse response, String contentType) {
    this.response = response;
    response.setChunked(true).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-store");
    response.closeHandler(v -> gone());
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    closeHandler = handler;
  }

  @Override
  public boolean isClosed() {
    return ended || response.closed();
  }

  @Override
  public void sendText(String json) {
    // The stream carries pictures only; its end says that the camera has none.
  }

  @Override
  public Future<Void> close(short code, String reason) {
    if (ended) {
      return Future.succeededFuture();
    }
    ended = true;
    if (!response.headWritten()) {
      boolean notMp4 = code == CloseCodes.NOT_MP4;
      response.setChunked(false).putHeader("Content-Type", "application/json").setStatusCode(notMp4 ? 415 : 503);
      return response.end(new JsonObject().put("error", notMp4
          ? "the camera's ffmpeg sends JPEG, not its own H.264/H.265: read stream.mjpeg, or set its output to mp4"
          : reason).encode());
    }
    return response.end();
  }

  /** Ends the response from this side (the stream cannot go on): the viewer is gone as if the client left. */
  protected void endStream(String reason) {
    close(CloseCodes.GOING_AWAY, reason);
    gone();
  }

  private void gone() {
    Handler<Void> handler = closeHandler;
    closeHandler = null;
    if (handler != null) {
      handler.handle(null);
    }
  }
}
