package io.visionroi.http;

/** The WebSocket close codes viewers see (README, "HTTP and WebSocket API"; docs/api.md). */
final class CloseCodes {

  /** The service is stopping. */
  static final short GOING_AWAY = 1001;
  /** The camera has no video (outage) or failed: reconnect after a short pause. */
  static final short TRY_AGAIN_LATER = 1013;
  /** This viewer's writes stayed blocked longer than {@code stream.sendTimeout}. */
  static final short VIEWER_TOO_SLOW = 4008;
  /** An MP4 viewer ({@code ?format=mp4}) of a camera that sends JPEG: connect without the format. */
  static final short NOT_MP4 = 4415;

  private CloseCodes() {
  }
}
