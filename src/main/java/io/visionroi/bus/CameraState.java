package io.visionroi.bus;

import java.util.Locale;

/** A camera's state as the API and viewers see it (README, "HTTP and WebSocket API"). */
public enum CameraState {
  STARTING, LIVE, OUTAGE, STOPPED, FAILED,
  /** Said by a node that is cut off from its cluster or rejoining it, of a camera it does not run: it cannot know. */
  UNKNOWN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CameraState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** States in which viewers are closed with 1013 and sent away to retry. */
  public boolean sendsViewersAway() {
    return this == OUTAGE || this == FAILED;
  }
}
