package io.visionroi.watchdog;

import java.time.Duration;

/**
 * How long to leave between two ffmpeg starts of a camera in trouble. During the first {@link #FAST_PHASE}
 * of an outage it is {@code outageRetry}, so a rebooted camera is back fast; after that, and at once for a
 * failed camera (a wrong password does not fix itself in a second), it doubles up to {@link #MAX_SPACING},
 * so a dead camera costs almost nothing. Video resets it.
 */
final class RestartPacing {

  static final long FAST_PHASE = Duration.ofSeconds(30).toMillis();
  static final long MAX_SPACING = Duration.ofSeconds(30).toMillis();
  /** Floor when outageRetry is 0 (off), so a crash loop never spins. */
  private static final long MIN_SPACING = 500;

  private final long base;
  private int slowAttempts;

  RestartPacing(Duration outageRetry) {
    this.base = Math.max(outageRetry.toMillis(), MIN_SPACING);
  }

  /** The spacing for the next start, given how long the camera has been without video and whether it failed. */
  long nextSpacing(long quietFor, boolean failed) {
    if (!failed && quietFor < FAST_PHASE) {
      return base;
    }
    slowAttempts = Math.min(slowAttempts + 1, 16);
    return Math.min(MAX_SPACING, base << slowAttempts);
  }

  void reset() {
    slowAttempts = 0;
  }
}
