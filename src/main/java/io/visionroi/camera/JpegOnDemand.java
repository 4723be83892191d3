package io.visionroi.camera;

import io.visionroi.bus.Frame;
import io.visionroi.bus.GopCache;
import io.visionroi.config.CameraConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The {@link JpegEncoder} of an MP4 camera, run while JPEG viewers or snapshots want JPEG and stopped a while
 * after the last want. Starting and stopping block, so they run on the camera's worker; the encoder itself
 * hangs on the {@link FrameGate}, which feeds it the generation's frames.
 */
final class JpegOnDemand {

  /** Its lines are the camera worker's, under that name as before. */
  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  /** A JPEG viewer's want lasts this long unless repeated (its supervisor repeats it every 2 s). */
  private static final long VIEWER_WANT_MILLIS = 5000;
  /** A snapshot keeps an MP4 camera's JPEG encoder this long: who takes one every 10 s finds it running. */
  private static final long SNAPSHOT_KEEP_MILLIS = 15000;

  private final CameraConfig camera;
  private final String ffmpegPath;
  private final FrameGate gate;
  private final GopCache group;
  /** Until when someone wants JPEG from this camera (epoch ms). */
  private volatile long wantedUntil;

  JpegOnDemand(CameraConfig camera, String ffmpegPath, FrameGate gate, GopCache group) {
    this.camera = camera;
    this.ffmpegPath = ffmpegPath;
    this.gate = gate;
    this.group = group;
  }

  /** A JPEG viewer wants it (again): the encoder of the {@code current} generation runs. */
  void wantedByViewer(Generation current) {
    want(VIEWER_WANT_MILLIS, current);
  }

  /** A snapshot was asked for: the encoder of the {@code current} generation runs, and stays a while. */
  void wantedBySnapshot(Generation current) {
    want(SNAPSHOT_KEEP_MILLIS, current);
  }

  private void want(long forMillis, Generation current) {
    wantedUntil = Math.max(wantedUntil, System.currentTimeMillis() + forMillis);
    ensureRunning(current);
  }

  boolean isWanted(long at) {
    return at <= wantedUntil;
  }

  /**
   * Starts the encoder when JPEG is wanted from the {@code current} generation (if it makes MP4) and none runs
   * for it: fed first with the current group (its last picture comes at once), then with every fragment.
   * Without a group yet, the next keyframe calls again.
   */
  void ensureRunning(Generation current) {
    JpegEncoder running = gate.encoder();
    if (current == null || current.encoding() != FfmpegCommand.Encoding.COPY_MP4
        || System.currentTimeMillis() > wantedUntil
        || (running != null && running.generation() == current.number() && running.isRunning()) || !group.hasGroup()) {
      return;
    }
    stop();
    JpegEncoder started;
    try {
      started = JpegEncoder.start(ffmpegPath, camera.quality(), current.number(),
          "camera " + camera.id() + " JPEG encoder",
          (bytes, offset, length) -> current.publish(Frame.Kind.JPEG, bytes, offset, length));
    } catch (IOException e) {
      LOG.warn("camera {}: cannot start the JPEG encoder: {}", camera.id(), e.getMessage());
      return;
    }
    if (!gate.attach(current.number(), started)) {
      started.ensureGone(); // the generation ended meanwhile
    } else if (running == null) {
      LOG.info("camera {}: JPEG encoder started: a JPEG viewer or a snapshot wants it", camera.id());
    }
  }

  /** On the worker's periodic check: nobody wanted JPEG for a while. */
  void stopIfUnwanted() {
    if (gate.encoder() != null && System.currentTimeMillis() > wantedUntil) {
      LOG.info("camera {}: JPEG encoder stopped: no JPEG viewer or snapshot any more", camera.id());
      stop();
    }
  }

  void stop() {
    JpegEncoder stopped = gate.detachEncoder();
    if (stopped != null) {
      stopped.ensureGone();
    }
  }
}
