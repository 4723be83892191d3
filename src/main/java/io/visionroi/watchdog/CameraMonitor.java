package io.visionroi.watchdog;

import io.visionroi.bus.CameraState;
import io.visionroi.bus.CameraStatus;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.StreamFormat;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.StreamSettings;

/**
 * One camera's state machine: {@code starting -> live <-> outage}, any -> {@code failed}; an on-demand camera
 * is {@code stopped} while nobody watches (for {@code idleStop}) and starts again with a viewer.
 * Pure logic on times handed in, so it is tested without Vert.x or ffmpeg; {@link WatchdogVerticle} feeds it
 * events and carries out its {@link Decision}s. It numbers the ffmpeg generations itself: only frames and
 * events of the generation it last started count.
 * <p>
 * Rules. A generation that gave video and then none for {@code outageGrace} is hung: the camera is in
 * outage and the generation is killed and replaced at once. A generation that has not given its first
 * frame yet is starting up (connecting, waiting for a keyframe): it is left alone for
 * {@code firstFrameTimeout} unless it exits, because killing it would only start the wait over; the camera
 * still turns {@code outage} after {@code outageGrace} without video. A generation that exits is replaced
 * at the {@link RestartPacing} pace ({@code outageRetry} during the first 30 s, then slower); a camera that
 * was live is {@code starting} again from that moment, never live without an ffmpeg. An exit before any frame with an error that retrying will not fix
 * (a wrong password or path, a missing file) makes the camera failed, retried slowly. While the camera is in
 * trouble, its viewers are sent away again every {@code outageRetry}. The first frame makes it live.
 */
final class CameraMonitor {

  /**
   * What to do after an event.
   *
   * @param order      what the camera's worker must do with ffmpeg, or null
   * @param transition the state change to log, or null
   * @param announce   publish the status (viewers of an outage are closed)
   */
  record Decision(FfmpegOrder order, Transition transition, boolean announce) {
    static final Decision NONE = new Decision(null, null, false);
    /** Nothing to carry out; the status changed and is told. */
    static final Decision ANNOUNCE = new Decision(null, null, true);

    FfmpegAction action() {
      return order == null ? null : order.action();
    }
  }

  record Transition(CameraState from, CameraState to, String reason) {
  }

  private CameraConfig camera;
  private final long grace;
  private final long retry;
  private final long firstFrameTimeout;
  private final RestartPacing pacing;

  /** When the camera last began to be wanted (created, or woken by a viewer): the outage clock's origin. */
  private long awakeAt;
  private int viewers;
  private long idleSince;
  // What /metrics reads (CameraMeters) is volatile: scrapes run on the HTTP verticle's thread, while only the
  // watchdog's thread writes.
  private volatile CameraState state = CameraState.STARTING;
  private String reason;
  private String lastError;
  /** The source's video codec as ffmpeg named it, or null before it did. */
  private String codec;
  /** What the last generation started sends viewers; its frames of that format are the ones counted. */
  private StreamFormat output;
  /** That stream's MIME type, once known. */
  private String mime;
  /** What the worker said last of its groups and the node's video budget ({@link FfmpegEvent#REPLAY_GROUP} at first). */
  private String replay = FfmpegEvent.REPLAY_GROUP;
  /** The last generation started; its frames and events are the only ones that count. */
  private long generation;
  /** Whether that generation should be running: started, and neither exited nor stopped. */
  private boolean running;
  /** Whether that generation gave a frame: until then it is starting up, not hung. */
  private boolean delivered;
  /** How many of that generation's pictures are counted in {@link #frames}. */
  private long counted;
  private long pid = -1;
  private long lastStartAt = Long.MIN_VALUE / 2;
  private long nextStartAt;
  private volatile long lastFrameAt;
  /**
   * When viewers of a camera in trouble are sent away again: between two announcements, so that a viewer
   * sent away is back (the page waits 0.6-0.9 s) before a returning camera's first frame.
   */
  private long nextAnnounceAt;
  private volatile long frames;
  private volatile long restarts;
  private volatile long outages;
  private double fps;
  private long fpsSampleAt;
  private long fpsSampleFrames;

  CameraMonitor(CameraConfig camera, StreamSettings stream, long now) {
    this.camera = camera;
    this.grace = stream.outageGrace().toMillis();
    this.retry = stream.outageRetry().toMillis();
    this.firstFrameTimeout = stream.firstFrameTimeout().toMillis();
    this.pacing = new RestartPacing(stream.outageRetry());
    this.awakeAt = now;
    this.fpsSampleAt = now;
    this.idleSince = now;
  }

  CameraConfig camera() {
    return camera;
  }

  /** The same camera under a new name (nothing else differs): the status says it from now on. */
  Decision rename(CameraConfig renamed) {
    camera = renamed;
    return Decision.ANNOUNCE;
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

  /** A generation started; a change of output format is announced, so viewers can take the other one. */
  Decision onStarted(long gen, long processId, StreamFormat format) {
    if (!isCurrent(gen)) {
      return Decision.NONE;
    }
    pid = processId;
    if (format == output) {
      return Decision.NONE; // the MP4 type stays until the new generation's init segment says otherwise
    }
    output = format;
    mime = format == StreamFormat.JPEG ? "image/jpeg" : null;
    return Decision.ANNOUNCE;
  }

  /** The MP4 init segment was read: its MIME type (with the codec string) is news for viewers about to switch. */
  Decision onMedia(long gen, String mimeType) {
    if (!isCurrent(gen) || mimeType.equals(mime)) {
      return Decision.NONE;
    }
    mime = mimeType;
    return Decision.ANNOUNCE;
  }

  /** The camera's groups began or ceased to fit the node's video budget (whatever the generation). */
  Decision onReplay(String groupOrKeyframe) {
    if (groupOrKeyframe.equals(replay)) {
      return Decision.NONE;
    }
    replay = groupOrKeyframe;
    return Decision.ANNOUNCE;
  }

  /** ffmpeg named the source's codec; {@code outdated}: the worker knows a better command for it now. */
  Decision onSource(long now, long gen, String videoCodec, boolean outdated) {
    if (!isCurrent(gen)) {
      return Decision.NONE;
    }
    codec = videoCodec;
    // The switch to the command that suits the source (MJPEG copied, H.264 as MP4) was planned, not a restart.
    return outdated ? new Decision(start(now, false), null, false) : Decision.NONE;
  }

  /**
   * What the camera's {@link FrameClock} says (its worker counts the pictures of the generation's own output):
   * new pictures of the current generation keep the camera live, and the first makes it so.
   */
  Decision onPictures(long now, FrameClock.Reading clock) {
    if (!isCurrent(clock.generation()) || clock.pictures() <= counted) {
      return Decision.NONE; // of a generation replaced or stopped, or nothing new
    }
    frames += clock.pictures() - counted;
    counted = clock.pictures();
    lastFrameAt = clock.lastAt();
    delivered = true;
    if (state == CameraState.LIVE) {
      return Decision.NONE;
    }
    pacing.reset();
    lastError = null;
    return moveTo(now, CameraState.LIVE, null);
  }

  Decision onExited(long now, long gen, String error) {
    if (!isCurrent(gen)) {
      return Decision.NONE;
    }
    running = false;
    pid = -1;
    lastError = error;
    // A stream that breaks after giving video says nothing permanent, whatever ffmpeg's words.
    if (!delivered && FailureClassifier.isPermanent(error, camera.source())) {
      return fail(now, error);
    }
    // No ffmpeg, no video: a live camera is starting again (viewers stay for a quick reconnect), and in
    // outage once outageGrace has passed without video.
    Decision change = state == CameraState.LIVE
        ? moveTo(now, CameraState.STARTING, error != null ? error : "ffmpeg exited") : Decision.NONE;
    return new Decision(now >= nextStartAt ? start(now) : null, change.transition(), change.announce());
  }

  /** ffmpeg could not be started, or the source cannot give what the config asks: no retry soon fixes that. */
  Decision onCannotRun(long now, long gen, String error) {
    if (!isCurrent(gen)) {
      return Decision.NONE;
    }
    running = false;
    pid = -1;
    lastError = error;
    return fail(now, error);
  }

  /** An operator asked for a new ffmpeg now. */
  Decision restartNow(long now) {
    return new Decision(start(now), null, false);
  }

  /**
   * The watchdog itself did not look for a while (the process was frozen, a long GC pause): the silence it
   * would measure now is its own, not the camera's, and frames ffmpeg wrote meanwhile are still in the pipe.
   * The camera gets a full {@code outageGrace} (and first-frame allowance) from now before it counts as silent.
   */
  void resumeAfterStall(long now) {
    awakeAt = now;
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
      return new Decision(new FfmpegOrder(FfmpegAction.STOP, generation), idle.transition(), true);
    }
    FfmpegOrder order = null;
    Decision change = Decision.NONE;
    boolean inTrouble = state.sendsViewersAway();
    if (running && delivered) {
      if (grace > 0 && now - Math.max(lastFrameAt, awakeAt) >= grace) {
        change = enterOutage(now, "no video for " + seconds(grace));
        order = start(now); // hung: replaced at once
      }
    } else if (running) {
      if (!inTrouble && grace > 0 && now - Math.max(lastStartAt, awakeAt) >= grace) {
        change = enterOutage(now, "no video for " + seconds(grace));
      }
      if (now - Math.max(lastStartAt, awakeAt) >= firstFrameTimeout) {
        lastError = "no frame " + seconds(firstFrameTimeout) + " after ffmpeg started (stream.firstFrameTimeout)";
        order = start(now);
      }
    } else {
      if (!inTrouble && grace > 0 && now - Math.max(lastFrameAt, awakeAt) >= grace) {
        change = enterOutage(now, lastError != null ? lastError : "no video for " + seconds(grace));
      }
      if (now >= nextStartAt) {
        order = start(now);
      }
    }
    boolean announce = change.announce();
    if (!announce && state.sendsViewersAway() && retry > 0 && now >= nextAnnounceAt) {
      announce = true;
      nextAnnounceAt = now + retry;
    }
    return new Decision(order, change.transition(), announce);
  }

  CameraStatus status(long now, String node) {
    return new CameraStatus(camera.id(), camera.name(), node, state, reason, fps,
        lastFrameAt > 0 ? now - lastFrameAt : null, frames, restarts, pid > 0 ? pid : null, generation, lastError,
        camera.maskedUrl(), codec, running ? output : null, running ? mime : null,
        state != CameraState.FAILED ? null : running ? 0L : Math.max(0, nextStartAt - now),
        running && output == StreamFormat.MP4 ? replay : null);
  }

  private boolean isCurrent(long gen) {
    return running && gen == generation;
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
    nextStartAt = lastStartAt + pacing.nextSpacing(quietFor(now), true);
    return moveTo(now, CameraState.FAILED, error);
  }

  private FfmpegOrder start(long now) {
    return start(now, generation > 0);
  }

  private FfmpegOrder start(long now, boolean restart) {
    if (restart) {
      restarts++;
    }
    generation++;
    running = true;
    delivered = false;
    counted = 0;
    pid = -1; // the new ffmpeg's pid comes with its STARTED event
    lastStartAt = now;
    nextStartAt = now + pacing.nextSpacing(quietFor(now), state == CameraState.FAILED);
    return new FfmpegOrder(FfmpegAction.START, generation, state.sendsViewersAway());
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
