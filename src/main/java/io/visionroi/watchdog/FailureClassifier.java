package io.visionroi.watchdog;

import java.util.List;
import java.util.Locale;

/**
 * Tells an ffmpeg error that retrying will not fix (a missing file, an unknown protocol, bad credentials,
 * an input ffmpeg cannot read) from one that may pass (camera rebooting, network down, DNS, a 404 from a
 * camera whose stream is not up yet). The first makes the camera
 * {@code failed}, the second {@code outage}; both are retried with the same pacing.
 */
final class FailureClassifier {

  private static final List<String> PERMANENT = List.of(
      "no such file or directory",
      "protocol not found",
      "invalid argument",
      "invalid data found when processing input",
      "unrecognized option",
      "option not found",
      "does not contain any stream",
      "server returned 400",
      "server returned 401",
      "server returned 403",
      "401 unauthorized",
      "403 forbidden",
      "no such filter",
      "error initializing filter",
      "ffmpeg not found");

  private FailureClassifier() {
  }

  static boolean isPermanent(String error) {
    if (error == null) {
      return false;
    }
    String lower = error.toLowerCase(Locale.ROOT);
    return PERMANENT.stream().anyMatch(lower::contains);
  }
}
