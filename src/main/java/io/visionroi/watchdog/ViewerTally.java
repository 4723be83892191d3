package io.visionroi.watchdog;

import java.util.HashMap;
import java.util.Map;

/**
 * How many viewers a camera has on all nodes together. Each node's HTTP side reports its own count on
 * every change and again every few seconds; a node not heard of for {@link #EXPIRY_MILLIS} (it died, or
 * the camera moved here after its last change) counts no more, and a camera that moves to another node
 * learns the counts within one repeat.
 */
final class ViewerTally {

  static final long EXPIRY_MILLIS = 5000;

  /** @param jpegViewers of {@code viewers}, those that want JPEG (the others take MP4) */
  private record Report(int viewers, int jpegViewers, long at) {
  }

  private final Map<String, Report> byNode = new HashMap<>();

  /** A node's count; the total after it. */
  int report(String node, int viewers, int jpegViewers, long now) {
    if (viewers > 0) {
      byNode.put(node, new Report(viewers, jpegViewers, now));
    } else {
      byNode.remove(node);
    }
    return total();
  }

  /** Forgets nodes not heard of lately; the total after it. */
  int expire(long now) {
    byNode.values().removeIf(r -> now - r.at() > EXPIRY_MILLIS);
    return total();
  }

  int total() {
    return byNode.values().stream().mapToInt(Report::viewers).sum();
  }

  int jpegTotal() {
    return byNode.values().stream().mapToInt(Report::jpegViewers).sum();
  }
}
