package io.visionroi.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * An MJPEG-over-HTTP viewer ({@code stream.mjpeg}): one {@code multipart/x-mixed-replace} response, a part
 * per JPEG with its own {@code Content-Type} and {@code Content-Length}, as browsers' {@code <img>}, VLC,
 * ffmpeg and Home Assistant read it.
 */
final class MultipartChannel extends ResponseChannel {

  static final String BOUNDARY = "visionroi-frame";
  static final String CONTENT_TYPE = "multipart/x-mixed-replace; boundary=" + BOUNDARY;

  MultipartChannel(HttpServerResponse response) {
    super(response, CONTENT_TYPE);
  }

  /** The part's head, the JPEG (the Buffer all viewers share, not a copy of it), and the line end. */
  @Override
  public void sendBinary(Buffer jpeg) {
    response.write("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length() + "\r\n\r\n",
        StandardCharsets.US_ASCII.name());
    response.write(jpeg);
    response.write("\r\n");
  }
}
