package io.visionroi.watchdog;

import io.visionroi.config.CameraSource;

import java.util.List;
import java.util.Locale;

/**
 * Tells an ffmpeg error that retrying will not fix (a missing file, an unknown protocol, a wrong password
 * or path: RTSP or HTTP 401, 403, 404, an input ffmpeg cannot read) from one that may pass (camera
 * rebooting, connection refused, timeouts, network down, DNS). The first makes the camera {@code failed},
 * retried slowly; the second {@code outage}, retried at the outage pace.
 */
final class FailureClassifier {

  private static final List<String> PERMANENT = List.of(
      "no such file or directory",
      "protocol not found",
      "invalid argument",
      "unrecognized option",
      "option not found",
      "does not contain any stream",
      "server returned 400",
      "server returned 401",
      "server returned 403",
      "server returned 404",
      "401 unauthorized",
      "403 forbidden",
      "404 not found",
      "not on whitelist",
      "no such filter",
      "error initializing filter",
      "ffmpeg not found");

  private FailureClassifier() {
  }

  /**
   * "Invalid data" from a network source is what ffmpeg says when a camera that accepted the connection
   * never answered before its timeout (frozen, blackholed): that may pass. From a file it will not.
   */
  private static final String INVALID_DATA = "invalid data found when processing input";

  static boolean isPermanent(String error, CameraSource source) {
    if (error == null) {
      return false;
    }
    String lower = error.toLowerCase(Locale.ROOT);
    return PERMANENT.stream().anyMatch(lower::contains) || (!source.isNetwork() && lower.contains(INVALID_DATA));
  }
}
