package io.visionroi.watchdog;

import io.visionroi.bus.CameraState;
import io.visionroi.bus.CameraStatus;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.StreamSettings;

/**
 * One camera's state machine: {@code starting -> live <-> outage}, any -> {@code failed}; an on-demand camera
 * is {@code stopped} while nobody watches (for {@code idleStop}) and starts again with a viewer.
 * Pure logic on times handed in, so it is tested without Vert.x or ffmpeg; {@link WatchdogVerticle} feeds it
 * events and carries out its {@link Decision}s.
 * <p>
 * Rules: no frame for {@code outageGrace} (from the last frame, or from the start of the generation) makes
 * the camera in outage, and its silent ffmpeg is killed and replaced at once. From then on ffmpeg is
 * started again every {@link RestartPacing} spacing ({@code outageRetry} during the first 30 s), replacing
 * a generation that is still silent, so a camera that returns is seen within one spacing. Out of an
 * outage, a generation that exits is replaced at the same pace. One that exits before any frame with an
 * error that retrying will not fix makes the camera failed. While the outage lasts, viewers are sent away
 * again every {@code outageRetry}. The first frame makes it live.
 */
final class CameraMonitor {

  /**
   * What to do after an event.
   *
   * @param action     what the camera's worker must do with ffmpeg, or null
   * @param transition the state change to log, or null
   * @param announce   publish the status (viewers of an outage are closed)
   */
  record Decision(FfmpegAction action, Transition transition, boolean announce) {
    static final Decision NONE = new Decision(null, null, false);
  }

  record Transition(CameraState from, CameraState to, String reason) {
  }

  private final CameraConfig camera;
  private final long grace;
  private final long retry;
  private final RestartPacing pacing;

  /** When the camera last began to be wanted (created, or woken by a viewer): the outage clock's origin. */
  private long awakeAt;
  private int viewers;
  private long idleSince;
  private CameraState state = CameraState.STARTING;
  private String reason;
  private String lastError;
  private boolean running;
  private long generation;
  /** Frames of older generations are stale: in flight when their ffmpeg was replaced. */
  private long minGeneration;
  private long pid = -1;
  private long lastStartAt = Long.MIN_VALUE / 2;
  private long nextStartAt;
  private long lastFrameAt;
  /**
   * When viewers of a camera in trouble are sent away again. Halfway between two ffmpeg starts: a viewer sent
   * away is back (the page waits 0.5 s) before the next start can bring the first frame.
   */
  private long nextAnnounceAt;
  private long frames;
  private long restarts;
  private long outages;
  private boolean started;
  private double fps;
  private long fpsSampleAt;
  private long fpsSampleFrames;

  CameraMonitor(CameraConfig camera, StreamSettings stream, long now) {
    this.camera = camera;
    this.grace = stream.outageGrace().toMillis();
    this.retry = stream.outageRetry().toMillis();
    this.pacing = new RestartPacing(stream.outageRetry());
    this.awakeAt = now;
    this.fpsSampleAt = now;
    this.idleSince = now;
  }

  CameraConfig camera() {
    return camera;
  }

  CameraState state() {
    return state;
  }

  long frames() {
    return frames;
  }

  long restarts() {
    return restarts;
  }

  long outages() {
    return outages;
  }

  /** Seconds since the last frame, or NaN before the first (no value, rather than a made-up one). */
  double lastFrameAgeSeconds(long now) {
    return lastFrameAt > 0 ? (now - lastFrameAt) / 1000.0 : Double.NaN;
  }

  /** The first start; an on-demand camera waits for its first viewer instead. */
  Decision begin(long now) {
    if (camera.onDemand()) {
      return moveTo(now, CameraState.STOPPED, "on demand: starts with the first viewer");
    }
    return new Decision(start(now), null, false);
  }

  /** The viewer count on all nodes changed: an idle on-demand camera starts. */
  Decision onViewers(long now, int count) {
    viewers = count;
    if (count == 0) {
      idleSince = now;
    }
    if (!camera.onDemand() || count == 0 || state != CameraState.STOPPED) {
      return Decision.NONE;
    }
    awakeAt = now;
    pacing.reset();
    Decision woken = moveTo(now, CameraState.STARTING, "a viewer came");
    return new Decision(start(now), woken.transition(), true);
  }

  Decision onStarted(long gen, long processId) {
    if (gen > generation) {
      generation = gen;
      pid = processId;
    }
    return Decision.NONE;
  }

  Decision onFrame(long now, long gen) {
    if (gen < minGeneration) {
      return Decision.NONE;
    }
    lastFrameAt = now;
    frames++;
    if (state == CameraState.LIVE) {
      return Decision.NONE;
    }
    pacing.reset();
    return moveTo(now, CameraState.LIVE, null);
  }

  Decision onExited(long now, long gen, String error) {
    if (gen != generation || !running) {
      return Decision.NONE;
    }
    running = false;
    pid = -1;
    lastError = error;
    // A stream that breaks after giving video says nothing permanent, whatever ffmpeg's words.
    boolean gaveVideo = lastFrameAt > lastStartAt;
    return !gaveVideo && FailureClassifier.isPermanent(error) ? fail(now, error) : Decision.NONE;
  }

  Decision onSpawnFailed(long now, String error) {
    running = false;
    pid = -1;
    lastError = error;
    return fail(now, error);
  }

  /** An operator asked for a new ffmpeg now. */
  Decision restartNow(long now) {
    return new Decision(start(now), null, false);
  }

  /** Called every few hundred ms. */
  Decision tick(long now) {
    sampleFps(now);
    if (state == CameraState.STOPPED) {
      return Decision.NONE;
    }
    if (camera.onDemand() && viewers == 0 && now - idleSince >= camera.idleStop().toMillis()) {
      running = false;
      pid = -1;
      Decision idle = moveTo(now, CameraState.STOPPED, "on demand: no viewer for " + seconds(camera.idleStop().toMillis()));
      return new Decision(FfmpegAction.STOP, idle.transition(), true);
    }
    FfmpegAction action = null;
    Decision change = Decision.NONE;
    boolean inTrouble = state.sendsViewersAway();
    if (!inTrouble && grace > 0) {
      if (running && now - Math.max(lastFrameAt, lastStartAt) >= grace) {
        change = enterOutage(now, "no video for " + seconds(grace));
        action = start(now); // replaces the silent generation at once
      } else if (!running && now - Math.max(lastFrameAt, awakeAt) >= grace) {
        change = enterOutage(now, lastError != null ? lastError : "no video for " + seconds(grace));
      }
    }
    // An exited generation is replaced at the paced time; in an outage, so is one still silent.
    if (action == null && now >= nextStartAt && (!running || inTrouble)) {
      action = start(now);
    }
    boolean announce = change.announce();
    if (!announce && state.sendsViewersAway() && retry > 0 && now >= nextAnnounceAt) {
      announce = true;
      nextAnnounceAt = now + retry;
    }
    return new Decision(action, change.transition(), announce);
  }

  CameraStatus status(long now, String node) {
    return new CameraStatus(camera.id(), camera.name(), node, state, reason, fps,
        lastFrameAt > 0 ? now - lastFrameAt : null, frames, restarts, pid > 0 ? pid : null, generation, lastError,
        camera.maskedUrl());
  }

  private Decision enterOutage(long now, String why) {
    if (state == CameraState.STARTING || state == CameraState.LIVE) {
      outages++;
      return moveTo(now, CameraState.OUTAGE, why);
    }
    return Decision.NONE;
  }

  /** Failed again is no news: no log line, no extra announcement (the retry pace repeats it). */
  private Decision fail(long now, String error) {
    if (state == CameraState.FAILED) {
      reason = error;
      return Decision.NONE;
    }
    return moveTo(now, CameraState.FAILED, error);
  }

  private FfmpegAction start(long now) {
    if (started) {
      restarts++;
    }
    started = true;
    running = true;
    pid = -1; // the new ffmpeg's pid comes with its STARTED event
    minGeneration = generation + 1;
    lastStartAt = now;
    nextStartAt = now + pacing.nextSpacing(quietFor(now));
    return FfmpegAction.START;
  }

  private Decision moveTo(long now, CameraState to, String why) {
    Transition transition = new Transition(state, to, why);
    state = to;
    reason = why;
    nextAnnounceAt = now + retry + retry / 2;
    return new Decision(null, transition, true);
  }

  private long quietFor(long now) {
    return now - Math.max(lastFrameAt, awakeAt);
  }

  private void sampleFps(long now) {
    long elapsed = now - fpsSampleAt;
    if (elapsed >= 1000) {
      fps = Math.round((frames - fpsSampleFrames) * 10_000.0 / elapsed) / 10.0;
      fpsSampleAt = now;
      fpsSampleFrames = frames;
    }
  }

  private static String seconds(long millis) {
    return (millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0)) + " s";
  }
}
