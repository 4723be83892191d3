package io.visionroi.camera;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.FramesWaiting;
import io.visionroi.bus.GopCache;
import io.visionroi.bus.StreamFormat;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The way from a camera's readers to its viewers: which generation's frames may be published, and all that
 * goes with a published frame (the group for new MP4 viewers, the newest JPEG for snapshots, the JPEG encoder
 * of an MP4 camera). Closing the gate and passing a frame are exclusive, so once a generation is stopped or
 * replaced none of its frames is published any more. A silent worker (taking a camera over) passes frames into
 * what it holds but publishes none until told to speak. Thread-safe: the worker opens and closes it while
 * reader threads pass frames.
 */
final class FrameGate {

  /** What passing a frame did, for the worker to act on outside the lock; {@code at} is when it was read. */
  record Passed(boolean firstPicture, boolean groupFitChanged, boolean keyframeWithoutEncoder, long at) {
  }

  private final Vertx vertx;
  private final EventBus bus;
  private final String cameraId;
  private final GopCache group;
  private final Snapshots snapshots;
  /** This worker's mark on its frames: a viewer tells them from a replaced or moved worker's. */
  private final long worker = ThreadLocalRandom.current().nextLong();
  private final AtomicLong jpegSeq = new AtomicLong();
  private final AtomicLong mp4Seq = new AtomicLong();
  /** The generation whose frames may be published; 0 while none may. */
  private long publishable;
  /** The format of that generation's own pictures, and the supervisor's clock they are counted on. */
  private StreamFormat publishableFormat;
  private FrameClock clock;
  /** An MP4 camera's JPEG encoder while one runs; set and cleared under the lock, read without it too. */
  private volatile JpegEncoder encoder;
  /** Cleared under the lock, so that what it holds is published before any frame that follows. */
  private volatile boolean silent;

  FrameGate(Vertx vertx, String cameraId, boolean silent, GopCache group, Snapshots snapshots) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.cameraId = cameraId;
    this.silent = silent;
    this.group = group;
    this.snapshots = snapshots;
  }

  /** From now on the frames of {@code gen} pass, its pictures in {@code format} counted on its supervisor's clock. */
  synchronized void open(long gen, StreamFormat format) {
    publishable = gen;
    publishableFormat = format;
    clock = FrameClock.of(vertx, cameraId);
  }

  /** From now on no frame of the current generation reaches anyone, nor does the last one stay for snapshots. */
  synchronized void close() {
    publishable = 0;
    snapshots.forget();
    group.clear();
  }

  /**
   * The node this camera ran on has stopped it: from now on frames are published, beginning with what is held
   * (the init segment and group, or the latest JPEG), so viewers go on from a picture at once. False when it
   * was not silent.
   */
  boolean speak() {
    if (!silent) {
      return false;
    }
    synchronized (this) {
      silent = false;
      if (publishable != 0) {
        StreamFormat format = publishableFormat;
        Frame latest = snapshots.latest();
        List<Frame> held = format == StreamFormat.MP4 ? group.replay() : latest == null ? List.of() : List.of(latest);
        held.forEach(frame -> bus.publish(Addresses.stream(cameraId, format), frame));
      }
    }
    return true;
  }

  JpegEncoder encoder() {
    return encoder;
  }

  /** Feeds the encoder the current group and then every MP4 frame of {@code gen}; false if that has ended. */
  synchronized boolean attach(long gen, JpegEncoder started) {
    if (publishable != gen) {
      return false;
    }
    started.feedReplay(group.replay());
    encoder = started;
    return true;
  }

  /** The encoder no longer gets frames, nor stays its last JPEG for snapshots; returns it, or null if none ran. */
  synchronized JpegEncoder detachEncoder() {
    JpegEncoder detached = encoder;
    encoder = null;
    if (detached != null) {
      snapshots.forget();
    }
    return detached;
  }

  /** On the generation's reader thread, or its JPEG encoder's; null if {@code gen} may not publish. */
  synchronized Passed pass(long gen, Frame.Kind kind, Buffer data) {
    if (publishable != gen) {
      return null;
    }
    StreamFormat format = kind.format();
    long now = System.currentTimeMillis();
    Frame frame = new Frame(cameraId, worker, gen, (format == StreamFormat.MP4 ? mp4Seq : jpegSeq).incrementAndGet(),
        now, kind, data);
    boolean firstPicture = kind.isPicture() && format == publishableFormat && clock.count(gen, now);
    boolean groupFitChanged = false;
    JpegEncoder running = encoder;
    if (format == StreamFormat.JPEG) {
      snapshots.keep(frame);
    } else {
      groupFitChanged = group.add(frame);
      if (running != null) {
        running.feed(frame);
      }
    }
    if (!silent) {
      String address = Addresses.stream(cameraId, format);
      FramesWaiting waiting = FramesWaiting.at(vertx, address);
      if (waiting == null || waiting.admit()) {
        bus.publish(address, frame);
      }
    }
    boolean keyframeWithoutEncoder = kind == Frame.Kind.MP4_KEY
        && (running == null || running.generation() != gen || !running.isRunning());
    return new Passed(firstPicture, groupFitChanged, keyframeWithoutEncoder, now);
  }
}
