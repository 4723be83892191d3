package io.visionroi.camera;

import io.visionroi.config.CameraConfig;
import io.visionroi.config.Secrets;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks an RTSP camera one OPTIONS (no session, no media) before a retry starts ffmpeg for it: an ffmpeg
 * start costs 110-155 ms of CPU, so a camera that is dead or never answers (blackholed, frozen) would cost a
 * core's percents in starts alone. Only while no ffmpeg of the camera runs, so it never is a second session.
 * Blocking and bounded: run it on the camera's worker.
 */
final class RtspAnswer {

  private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

  private RtspAnswer() {
  }

  /** True for the URLs it can ask: plain rtsp:// over TCP or UDP (not rtsps, not tunnelled in HTTP). */
  static boolean applies(CameraConfig camera) {
    return camera.url().startsWith("rtsp://")
        && (camera.rtspTransport().equals("tcp") || camera.rtspTransport().equals("udp"));
  }

  /** Empty when the camera answered (whatever it said, even 401); else why not, masked. */
  static Optional<String> problem(CameraConfig camera) {
    String url = Secrets.withoutUserInfo(camera.url());
    String shown = camera.maskedUrl();
    Duration wait = camera.timeout().isZero() || camera.timeout().compareTo(LONGEST_WAIT) > 0
        ? LONGEST_WAIT : camera.timeout();
    try {
      URI uri = URI.create(url);
      int port = uri.getPort() < 0 ? 554 : uri.getPort();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(uri.getHost(), port), (int) wait.toMillis());
        socket.setSoTimeout((int) wait.toMillis());
        socket.getOutputStream().write(("OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: VisionROI\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] start = new byte[5];
        InputStream in = socket.getInputStream();
        int read = 0;
        while (read < start.length) {
          int n = in.read(start, read, start.length - read);
          if (n < 0) {
            return Optional.of(shown + ": closed the connection without an RTSP answer");
          }
          read += n;
        }
        return new String(start, StandardCharsets.US_ASCII).equals("RTSP/") ? Optional.empty()
            : Optional.of(shown + ": answers, but not in RTSP");
      }
    } catch (java.net.SocketTimeoutException e) {
      return Optional.of(shown + ": no RTSP answer within " + wait.toMillis() / 1000.0 + " s");
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of(shown + ": " + Secrets.mask(e.getMessage()));
    }
  }
}
