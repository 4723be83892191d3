package io.visionroi.http;

import io.visionroi.mp4.Mp4Boxes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The camera's fragmented MP4 over one HTTP response ({@code stream.mp4}), for tools that read HTTP (ffmpeg,
 * VLC, a {@code <video>} element): the init segment, then fragments from a keyframe on, as its
 * {@link Mp4Viewer} sends them. A file has one init segment: when a new ffmpeg of the camera (a restart, a
 * move) needs another, the response ends and the client reconnects.
 */
final class Mp4ResponseChannel extends ResponseChannel {

  private boolean initSent;

  Mp4ResponseChannel(HttpServerResponse response) {
    super(response, "video/mp4");
  }

  @Override
  public void sendBinary(Buffer segment) {
    if (isClosed()) {
      return; // ended by the init segment before this fragment, within the same offer
    }
    boolean init = Mp4Boxes.isInitSegment(segment);
    if (init && initSent) {
      endStream("the camera's stream started again");
      return;
    }
    initSent |= init;
    response.write(segment);
  }
}
