package io.visionroi.bus;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of a camera's frames of one format wait for this node's viewer hub, which counts them down as it
 * takes them. The event bus queues a published frame for a subscriber's thread without any bound, so a hub
 * whose thread falls behind (a starved machine) would let video pile up until the heap is gone; the camera's
 * worker on this node asks {@link #admit} before it publishes, and drops the frame while {@value #LIMIT} wait
 * (for every viewer: a node that far behind is starved as a whole). MP4 viewers then start again at the next
 * keyframe. Thread-safe.
 */
public final class FramesWaiting implements Shareable {

  /** About two seconds of video at 15 fps: a hub that keeps up takes each frame within milliseconds. */
  public static final int LIMIT = 32;
  private static final String MAP = "visionroi.frames-waiting";

  private final AtomicInteger waiting = new AtomicInteger();
  private final Runnable onDropped;

  private FramesWaiting(Runnable onDropped) {
    this.onDropped = onDropped;
  }

  /**
   * The hub subscribes to {@code address}: from now on the node's worker counts what it publishes there, and
   * {@code onDropped} runs (on the worker's thread) for each frame it drops.
   */
  public static FramesWaiting watch(Vertx vertx, String address, Runnable onDropped) {
    FramesWaiting made = new FramesWaiting(onDropped);
    map(vertx).put(address, made);
    return made;
  }

  /** The hub no longer subscribes. */
  public void unwatch(Vertx vertx, String address) {
    map(vertx).remove(address, this);
  }

  /** What waits for the hub at that address, or null when no hub here subscribes. */
  public static FramesWaiting at(Vertx vertx, String address) {
    return map(vertx).get(address);
  }

  private static LocalMap<String, FramesWaiting> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }

  /** The worker may publish one more frame (it is counted), or not: then it is counted dropped. */
  public boolean admit() {
    if (waiting.incrementAndGet() > LIMIT) {
      waiting.decrementAndGet();
      onDropped.run();
      return false;
    }
    return true;
  }

  /** The hub took a frame (one of another node's worker too: never below zero). */
  public void taken() {
    waiting.updateAndGet(n -> n > 0 ? n - 1 : 0);
  }
}
