package io.visionroi.camera;

import io.visionroi.bus.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * A camera's newest JPEG (its ffmpeg's, or its JPEG encoder's), for snapshots, and the snapshot requests that
 * wait for an MP4 camera's encoder to make one. Requests come on the camera's worker; the newest JPEG is kept
 * and forgotten by {@link FrameGate}, under its lock, from reader threads too.
 */
final class Snapshots {

  /** How long a snapshot of an MP4 camera waits for its encoder's first picture (the asker waits 2 s). */
  private static final long WAIT_MILLIS = 1800;
  private static final int MAX_WAITERS = 64;

  private final Vertx vertx;
  private volatile Frame latest;
  private final List<Message<Object>> waiters = new ArrayList<>();
  /** Read by reader threads: only then is answering the waiters worth a task on the worker. */
  private volatile boolean waiting;

  Snapshots(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The newest JPEG, or null. */
  Frame latest() {
    return latest;
  }

  void keep(Frame jpeg) {
    latest = jpeg;
  }

  void forget() {
    latest = null;
  }

  boolean waiting() {
    return waiting;
  }

  /**
   * Replies with the newest JPEG. Without one, the request waits a while if {@code encoderComing} (an MP4
   * camera, whose JPEG encoder the snapshot starts), else fails.
   */
  void answer(Message<Object> request, boolean encoderComing) {
    Frame frame = latest;
    if (frame != null) {
      request.reply(frame);
    } else if (!encoderComing) {
      request.fail(503, "no frame yet");
    } else if (waiters.size() >= MAX_WAITERS) {
      request.fail(503, "too many snapshots waiting");
    } else {
      waiters.add(request);
      waiting = true;
      vertx.setTimer(WAIT_MILLIS, id -> {
        if (waiters.remove(request)) {
          request.fail(503, "no frame yet");
        }
      });
    }
  }

  /** A JPEG came while requests waited: they get it. */
  void answerWaiting() {
    Frame frame = latest;
    if (frame != null) {
      waiters.forEach(request -> request.reply(frame));
      waiters.clear();
      waiting = false;
    }
  }
}
