package io.visionroi.bus;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * The node's one bound on the video it keeps for viewers still to come: the groups of pictures a new MP4
 * viewer starts with ({@link GopCache}), on each camera's worker and on the viewer hub. A share of the heap,
 * whatever the number of cameras, their bitrate and their keyframe interval (a 4 Mbit/s camera with a 10 s
 * interval makes 5 MB groups). Each cache may hold at most an equal part among the caches that hold a group,
 * so one camera cannot crowd the others out; a group that outgrows its part is let go until the camera's
 * next keyframe, and a new viewer of that camera then waits for that keyframe instead of starting at once.
 * A camera watched on its own node is counted twice (its worker's and its hub's cache share the frames):
 * the safe side. Thread-safe: the readers of many cameras take from it at once.
 */
public final class VideoBudget implements Shareable {

  /** Of the heap's maximum; the rest is the service's own and the frames on their way to viewers. */
  static final int HEAP_PERCENT = 30;
  private static final String MAP = "visionroi.video";

  private final long total;
  private long used;
  /** Caches that hold some of it. */
  private int holders;

  public VideoBudget(long totalBytes) {
    this.total = totalBytes;
  }

  /** The node's budget: one per Vert.x instance, {@value #HEAP_PERCENT} % of the heap's maximum. */
  public static VideoBudget of(Vertx vertx) {
    LocalMap<String, VideoBudget> map = vertx.sharedData().getLocalMap(MAP);
    VideoBudget made = new VideoBudget(Runtime.getRuntime().maxMemory() * HEAP_PERCENT / 100);
    VideoBudget before = map.putIfAbsent("budget", made);
    return before == null ? made : before;
  }

  /**
   * Takes {@code bytes} more for a cache that holds {@code held} now: granted while the node has room and the
   * cache stays within its part.
   */
  synchronized boolean take(long held, long bytes) {
    int sharing = held == 0 ? holders + 1 : holders;
    if (used + bytes > total || held + bytes > total / sharing) {
      return false;
    }
    if (held == 0) {
      holders++;
    }
    used += bytes;
    return true;
  }

  /** A cache lets go of all it held. */
  synchronized void giveBack(long held) {
    if (held > 0) {
      holders--;
      used -= held;
    }
  }

  public long totalBytes() {
    return total;
  }

  public synchronized long usedBytes() {
    return used;
  }
}
