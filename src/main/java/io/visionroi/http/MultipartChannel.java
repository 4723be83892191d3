package io.visionroi.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * An MJPEG-over-HTTP viewer ({@code stream.mjpeg}): one {@code multipart/x-mixed-replace} response, a part
 * per JPEG with its own {@code Content-Type} and {@code Content-Length}, as browsers' {@code <img>}, VLC,
 * ffmpeg and Home Assistant read it. Closing ends the response: the client sees the stream end and reconnects.
 */
final class MultipartChannel implements ViewerChannel {

  static final String BOUNDARY = "visionroi-frame";
  static final String CONTENT_TYPE = "multipart/x-mixed-replace; boundary=" + BOUNDARY;

  private final HttpServerResponse response;
  private boolean ended;

  MultipartChannel(HttpServerResponse response) {
    this.response = response;
    response.setChunked(true).putHeader("Content-Type", CONTENT_TYPE).putHeader("Cache-Control", "no-store");
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
    response.closeHandler(handler);
  }

  @Override
  public boolean isClosed() {
    return ended || response.closed();
  }

  @Override
  public void sendText(String json) {
    // A multipart stream carries pictures only; its end says that the camera has none.
  }

  /** The part's head, the JPEG (the Buffer all viewers share, not a copy of it), and the line end. */
  @Override
  public void sendBinary(Buffer jpeg) {
    response.write("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length() + "\r\n\r\n",
        StandardCharsets.US_ASCII.name());
    response.write(jpeg);
    response.write("\r\n");
  }

  @Override
  public Future<Void> close(short code, String reason) {
    ended = true;
    return response.end();
  }
}
