package io.visionroi.bus;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * How many pictures the current ffmpeg of a camera gave, and when the last one came. The camera's supervisor
 * owns one and reads it at each of its ticks; the camera's worker (on the same node) counts into it as it
 * reads pictures. Reading a clock a few times a second, rather than every frame crossing to the supervisor's
 * thread, spares the node a thread wake-up per frame. Only the pictures of the generation's own output count
 * (not an init segment, not the JPEG encoder's pictures of an MP4 camera). Thread-safe.
 */
public final class FrameClock implements Shareable {

  private static final String MAP = "visionroi.frame-clocks";

  /** What the clock says: {@code pictures} of {@code generation}, the last at {@code lastAt} (epoch ms). */
  public record Reading(long generation, long pictures, long lastAt) {
  }

  private long generation;
  private long pictures;
  private long lastAt;

  /** The supervisor's clock for a camera, made for it and found by its worker ({@link #of}) until {@link #retire}. */
  public static FrameClock register(Vertx vertx, String cameraId) {
    FrameClock clock = new FrameClock();
    map(vertx).put(cameraId, clock);
    return clock;
  }

  /** The camera's clock as its supervisor registered it, or a clock nobody reads. */
  public static FrameClock of(Vertx vertx, String cameraId) {
    FrameClock clock = map(vertx).get(cameraId);
    return clock != null ? clock : new FrameClock();
  }

  /** The supervisor no longer reads it. */
  public void retire(Vertx vertx, String cameraId) {
    map(vertx).remove(cameraId, this);
  }

  private static LocalMap<String, FrameClock> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }

  /** A picture of {@code gen} read at {@code at}; true if it is that generation's first. */
  public synchronized boolean count(long gen, long at) {
    if (gen != generation) {
      generation = gen;
      pictures = 0;
    }
    pictures++;
    lastAt = at;
    return pictures == 1;
  }

  public synchronized Reading read() {
    return new Reading(generation, pictures, lastAt);
  }
}
