package io.visionroi.camera;

import io.visionroi.mp4.Mp4Codec;
import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.FrameCodec;
import io.visionroi.bus.FramesWaiting;
import io.visionroi.bus.GopCache;
import io.visionroi.bus.StreamFormat;
import io.visionroi.bus.VideoBudget;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.CameraSource;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns one camera's ffmpeg: at most one generation (one process) at a time, and a new one only once the
 * old group is gone, so the camera never sees two sessions from us. Deployed as a worker verticle on a pool
 * of its own, because killing a process and waiting for it to be gone blocks, and one slow camera must not
 * delay another. It starts and kills ffmpeg only when its supervisor says so ({@link FfmpegOrder}) and
 * reports what ffmpeg did ({@link FfmpegEvent}); the decisions (outage, retries) are the watchdog's.
 * <p>
 * Frames are read on a dedicated thread per generation and published directly (the event bus is
 * thread-safe), unless too many wait for this node's viewers ({@link FramesWaiting}); the generation's own
 * pictures are counted on its supervisor's {@link FrameClock}. Once a generation is stopped or replaced, none
 * of its frames is published any more. A worker that takes a camera over from another node starts silent:
 * it reads and keeps frames but publishes nothing and answers no request until told to speak.
 * <p>
 * What ffmpeg makes of the source follows the camera's {@code output}: JPEG frames, or (for H.264) the
 * camera's own stream as fragmented MP4, for browsers to decode. An MP4 camera keeps its current group of
 * pictures for new viewers ({@link GopCache}) and runs a {@link JpegEncoder} on that stream while JPEG viewers
 * or snapshots want it.
 */
public class CameraVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);
  /** How much of ffmpeg's stderr reaches the log when a camera fails. */
  private static final int STDERR_TAIL_LINES = 5;
  private static final String MJPEG = "mjpeg";
  private static final String H264 = "h264";
  /** What an MP4 output can carry: what browsers decode through Media Source Extensions. */
  private static final Set<String> MP4_CODECS = Set.of(H264, "hevc");
  /** A JPEG viewer's want lasts this long unless repeated (its supervisor repeats it every 2 s). */
  static final long JPEG_WANT_MILLIS = 5000;
  /** A snapshot keeps an MP4 camera's JPEG encoder this long: who takes one every 10 s finds it running. */
  static final long SNAPSHOT_KEEP_MILLIS = 15000;
  /** How long a snapshot of an MP4 camera waits for its encoder's first picture (the asker waits 2 s). */
  private static final long SNAPSHOT_WAIT_MILLIS = 1800;
  private static final int MAX_SNAPSHOT_WAITERS = 64;
  private static final FrameCodec FRAMES = new FrameCodec();

  private final CameraConfig camera;
  private final String ffmpegPath;
  /** This worker's mark on its frames: a viewer tells them from a replaced or moved worker's. */
  private final long worker = ThreadLocalRandom.current().nextLong();
  private final AtomicLong jpegSeq = new AtomicLong();
  private final AtomicLong mp4Seq = new AtomicLong();
  /** Made at start, with the node's video budget. */
  private GopCache group;
  /** Makes "stop publishing this generation" and "publish a frame of it" exclusive. */
  private final Object publishing = new Object();

  private EventBus bus;
  private FfmpegProcess process;
  private long generation;
  /** What the running generation's ffmpeg makes of the source. */
  private FfmpegCommand.Encoding encoding;
  /** The generation whose frames may be published; 0 while none may. Guarded by {@link #publishing}. */
  private long publishable;
  /** The format of that generation's own pictures, and the supervisor's clock they are counted on. Same guard. */
  private StreamFormat publishableFormat;
  private FrameClock clock;
  /** The newest JPEG of the running generation (or of its JPEG encoder), for snapshots. */
  private volatile Frame latest;
  /** An MP4 camera's JPEG encoder while one runs. Set and cleared under {@link #publishing}. */
  private volatile JpegEncoder encoder;
  /** Until when someone wants JPEG from this camera (epoch ms). */
  private volatile long jpegWantedUntil;
  private final List<Message<Object>> snapshotWaiters = new ArrayList<>();
  private volatile boolean stopping;
  private volatile boolean snapshotsWaiting;
  /** The source's codec as the last ffmpeg named it, kept for this camera config's next starts; null until then. */
  private String sourceCodec;
  /** The newest order not carried out yet: orders that pile up while ffmpeg is being killed are merged. */
  private FfmpegOrder wanted;
  /**
   * Taking over from another node that still serves the viewers: frames are read and kept, but neither
   * published nor asked for, until told to speak. Cleared under {@link #publishing}.
   */
  private volatile boolean silent;

  public CameraVerticle(CameraConfig camera, String ffmpegPath) {
    this(camera, ffmpegPath, false);
  }

  /** @param silent whether it starts silent, taking over from another node */
  public CameraVerticle(CameraConfig camera, String ffmpegPath, boolean silent) {
    this.camera = camera;
    this.ffmpegPath = ffmpegPath;
    this.silent = silent;
  }

  @Override
  public void start() {
    bus = vertx.eventBus();
    group = new GopCache(VideoBudget.of(vertx));
    bus.<JsonObject>localConsumer(Addresses.ffmpeg(camera.id()), m -> want(FfmpegOrder.fromJson(m.body())));
    bus.<Object>localConsumer(Addresses.jpegWanted(camera.id()), m -> wantJpeg(JPEG_WANT_MILLIS));
    bus.<String>localConsumer(Addresses.takeover(camera.id()), m -> {
      if ("speak".equals(m.body())) {
        speak();
        m.reply(true);
      } else {
        m.reply(ready());
      }
    });
    if (!silent) {
      answerRequests();
    }
    vertx.setPeriodic(1000, id -> {
      if (encoder != null && System.currentTimeMillis() > jpegWantedUntil) {
        LOG.info("camera {}: JPEG encoder stopped: no JPEG viewer or snapshot any more", camera.id());
        stopEncoder();
      }
    });
  }

  /** Cluster-wide request addresses: one worker per camera answers them, so a silent one does not yet. */
  private void answerRequests() {
    bus.<Object>consumer(Addresses.snapshot(camera.id()), this::onSnapshot);
    bus.<Object>consumer(Addresses.gop(camera.id()), this::onGroupWanted);
  }

  /** Whether a viewer could start with what a silent worker holds: a group from a keyframe, or a JPEG. */
  private boolean ready() {
    return process != null && (encoding == FfmpegCommand.Encoding.COPY_MP4 ? group.hasGroup() : latest != null);
  }

  /**
   * The node this camera ran on has stopped it: from now on this worker publishes, beginning with what it
   * holds (the init segment and group, or the latest JPEG), so viewers go on from a picture at once.
   */
  private void speak() {
    if (!silent) {
      return;
    }
    synchronized (publishing) {
      silent = false;
      if (publishable != 0) {
        StreamFormat format = publishableFormat;
        List<Frame> held = format == StreamFormat.MP4 ? group.replay() : latest == null ? List.of() : List.of(latest);
        held.forEach(frame -> bus.publish(Addresses.stream(camera.id(), format), frame));
      }
    }
    answerRequests();
  }

  @Override
  public void stop() {
    stopping = true;
    ensureFfmpegGone();
  }

  /**
   * Runs on this worker's context, from another thread, unless the worker is stopping: its pool of one
   * thread shuts down with it and refuses tasks then (the exit of an ffmpeg killed by the stop is no news).
   */
  private void later(Runnable task) {
    if (!stopping) {
      context.runOnContext(v -> task.run());
    }
  }

  /**
   * Orders are carried out by a task queued behind the orders already delivered, so when several START
   * and STOP came while the worker was busy, only the newest is carried out.
   */
  private void want(FfmpegOrder order) {
    boolean queued = wanted != null;
    wanted = order;
    if (!queued) {
      context.runOnContext(v -> {
        FfmpegOrder newest = wanted;
        wanted = null;
        switch (newest.action()) {
          case START -> startGeneration(newest.generation(), newest.askFirst());
          case STOP -> ensureFfmpegGone();
        }
      });
    }
  }

  private void onSnapshot(Message<Object> request) {
    Frame frame = latest;
    if (frame != null) {
      request.reply(frame);
    } else if (encoding != FfmpegCommand.Encoding.COPY_MP4) {
      request.fail(503, "no frame yet");
    } else if (snapshotWaiters.size() >= MAX_SNAPSHOT_WAITERS) {
      request.fail(503, "too many snapshots waiting");
    } else {
      snapshotWaiters.add(request);
      snapshotsWaiting = true;
      vertx.setTimer(SNAPSHOT_WAIT_MILLIS, id -> {
        if (snapshotWaiters.remove(request)) {
          request.fail(503, "no frame yet");
        }
      });
    }
    if (encoding == FfmpegCommand.Encoding.COPY_MP4) {
      wantJpeg(SNAPSHOT_KEEP_MILLIS);
    }
  }

  private void answerSnapshots() {
    Frame frame = latest;
    if (frame != null) {
      snapshotWaiters.forEach(request -> request.reply(frame));
      snapshotWaiters.clear();
      snapshotsWaiting = false;
    }
  }

  /** A node's first MP4 viewer of this camera asks for the group a picture can be decoded from. */
  private void onGroupWanted(Message<Object> request) {
    List<Frame> replay = group.replay();
    if (replay.isEmpty()) {
      request.fail(503, "no MP4 stream yet");
    } else {
      request.reply(FRAMES.encodeAll(replay));
    }
  }

  private void wantJpeg(long forMillis) {
    jpegWantedUntil = Math.max(jpegWantedUntil, System.currentTimeMillis() + forMillis);
    ensureEncoder();
  }

  /**
   * Starts the JPEG encoder of an MP4 camera when JPEG is wanted and none runs for this generation: fed first
   * with the current group (its last picture comes at once), then with every fragment. Without a group yet,
   * the next keyframe calls again.
   */
  private void ensureEncoder() {
    JpegEncoder running = encoder;
    long gen = generation;
    if (encoding != FfmpegCommand.Encoding.COPY_MP4 || process == null || System.currentTimeMillis() > jpegWantedUntil
        || (running != null && running.generation() == gen && running.isRunning()) || !group.hasGroup()) {
      return;
    }
    stopEncoder();
    JpegEncoder started;
    try {
      started = JpegEncoder.start(ffmpegPath, camera.quality(), gen, "camera " + camera.id() + " JPEG encoder",
          (bytes, offset, length) -> publish(gen, Frame.Kind.JPEG, bytes, offset, length));
    } catch (IOException e) {
      LOG.warn("camera {}: cannot start the JPEG encoder: {}", camera.id(), e.getMessage());
      return;
    }
    synchronized (publishing) {
      if (publishable == gen) {
        started.feedReplay(group.replay());
        encoder = started;
        started = null;
      }
    }
    if (started != null) {
      started.ensureGone(); // the generation ended meanwhile
    } else if (running == null) {
      LOG.info("camera {}: JPEG encoder started: a JPEG viewer or a snapshot wants it", camera.id());
    }
  }

  private void stopEncoder() {
    JpegEncoder stopped;
    synchronized (publishing) {
      stopped = encoder;
      encoder = null;
      if (stopped != null) {
        latest = null;
      }
    }
    if (stopped != null) {
      stopped.ensureGone();
    }
  }

  /** Kills the current generation's group, if any, and waits until it is gone. Its frames stop at once. */
  private void ensureFfmpegGone() {
    stopPublishing();
    stopEncoder();
    FfmpegProcess old = process;
    process = null;
    if (old != null) {
      old.ensureGone(KILL_WAIT);
    }
  }

  /** From now on no frame of the current generation reaches anyone, nor does the last one stay for snapshots. */
  private void stopPublishing() {
    synchronized (publishing) {
      publishable = 0;
      latest = null;
      group.clear();
    }
  }

  private void startGeneration(long gen, boolean askFirst) {
    ensureFfmpegGone();
    generation = gen;
    if (askFirst && RtspAnswer.applies(camera)) {
      Optional<String> silent = RtspAnswer.problem(camera);
      if (silent.isPresent()) {
        report(new FfmpegEvent(FfmpegEvent.Kind.EXITED, gen, -1, silent.get(), List.of()));
        return;
      }
    }
    encoding = encodingFor();
    List<String> command = FfmpegCommand.forCamera(ffmpegPath, camera, encoding);
    FfmpegProcess started;
    try {
      started = FfmpegProcess.start(command, "camera " + camera.id());
    } catch (IOException | RuntimeException e) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.SPAWN_FAILED, gen, -1, e.getMessage()));
      return;
    }
    process = started;
    synchronized (publishing) {
      publishable = gen;
      publishableFormat = formatOf(encoding);
      clock = FrameClock.of(vertx, camera.id());
    }
    LOG.debug("camera {}: ffmpeg generation {} started, pid {}", camera.id(), gen, started.pid());
    report(FfmpegEvent.of(FfmpegEvent.Kind.STARTED, gen, started.pid(), formatOf(encoding).wireName()));

    StderrTail stderr = new StderrTail(codec -> later(() -> onSourceCodec(gen, codec)));
    Thread stderrThread = Daemons.start("ffmpeg-" + camera.id() + "-err-" + gen, () -> stderr.drain(started.stderr()));
    FfmpegCommand.Encoding reading = encoding;
    Daemons.start("ffmpeg-" + camera.id() + "-out-" + gen, () -> {
      if (reading == FfmpegCommand.Encoding.COPY_MP4) {
        readSegments(started, gen);
      } else {
        readFrames(started, gen);
      }
    });

    started.onExit().thenRun(() -> later(() -> onExited(started, gen, stderrThread, stderr)));
  }

  private FfmpegCommand.Encoding encodingFor() {
    if (outputFor() == StreamFormat.MP4) {
      return FfmpegCommand.Encoding.COPY_MP4;
    }
    boolean copy = switch (camera.passthrough()) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> !camera.reshapes() && MJPEG.equals(sourceCodec);
    };
    return copy ? FfmpegCommand.Encoding.COPY_JPEG : FfmpegCommand.Encoding.JPEG;
  }

  /**
   * MP4 when the config says so, or (auto) for an H.264 source that needs no size or rate change. Before any
   * ffmpeg has named the codec, an RTSP camera is taken for H.264, as nearly all are (a wrong guess costs one
   * restart, as for MJPEG).
   */
  private StreamFormat outputFor() {
    return switch (camera.output()) {
      case JPEG -> StreamFormat.JPEG;
      case MP4 -> StreamFormat.MP4;
      case AUTO -> camera.reshapes() || camera.passthrough() == CameraConfig.Passthrough.ALWAYS ? StreamFormat.JPEG
          : sourceCodec == null ? (camera.source() == CameraSource.RTSP ? StreamFormat.MP4 : StreamFormat.JPEG)
          : H264.equals(sourceCodec) ? StreamFormat.MP4 : StreamFormat.JPEG;
    };
  }

  private static StreamFormat formatOf(FfmpegCommand.Encoding encoding) {
    return encoding == FfmpegCommand.Encoding.COPY_MP4 ? StreamFormat.MP4 : StreamFormat.JPEG;
  }

  private void onSourceCodec(long gen, String codec) {
    if (gen != generation || process == null) {
      return;
    }
    if (camera.output() == CameraConfig.Output.MP4 && !MP4_CODECS.contains(codec)) {
      long pid = process.pid();
      ensureFfmpegGone();
      report(FfmpegEvent.of(FfmpegEvent.Kind.UNSUITABLE, gen, pid,
          "output \"mp4\" needs an H.264 or H.265 source, and this camera sends " + codec));
      return;
    }
    if (!Objects.equals(codec, sourceCodec)) {
      sourceCodec = codec;
      LOG.info("camera {}: source sends {}: {}", camera.id(), codec, switch (encodingFor()) {
        case COPY_MP4 -> "sent to browsers as MP4 without encoding again";
        case COPY_JPEG -> "passed through without encoding again";
        case JPEG -> "encoded to JPEG";
      });
    }
    boolean outdated = encodingFor() != encoding;
    report(FfmpegEvent.of(outdated ? FfmpegEvent.Kind.OUTDATED : FfmpegEvent.Kind.SOURCE, gen, process.pid(), codec));
  }

  private void readSegments(FfmpegProcess source, long gen) {
    Mp4FragmentReader reader = new Mp4FragmentReader(FrameCodec.MAX_FRAME_BYTES,
        (kind, bytes, offset, length) -> publish(gen, kind, bytes, offset, length));
    try {
      reader.readAll(source.stdout());
    } catch (IOException e) {
      // The pipe closed under us: the process was killed.
    }
    if (reader.problem() != null && !source.wasKilled()) {
      LOG.warn("camera {}: ffmpeg generation {} wrote no MP4 the service can read ({}): left to the watchdog",
          camera.id(), gen, reader.problem());
    }
  }

  private void readFrames(FfmpegProcess source, long gen) {
    JpegFrameReader reader = new JpegFrameReader(FrameCodec.MAX_FRAME_BYTES,
        (bytes, offset, length) -> publish(gen, Frame.Kind.JPEG, bytes, offset, length));
    try {
      reader.readAll(source.stdout());
    } catch (IOException e) {
      // The pipe closed under us: the process was killed.
    }
    // A frame cut short by our own SIGKILL is expected; anything else in the stream is worth one line.
    long truncated = source.wasKilled() ? 0 : reader.truncatedFrames();
    if (reader.discardedBytes() > 0 || reader.oversizeFrames() > 0 || truncated > 0) {
      LOG.warn("camera {}: ffmpeg generation {} output had {} bytes of garbage, {} oversize and {} truncated frames",
          camera.id(), gen, reader.discardedBytes(), reader.oversizeFrames(), truncated);
    }
  }

  /** On the generation's reader thread, or its JPEG encoder's. */
  private void publish(long gen, Frame.Kind kind, byte[] bytes, int offset, int length) {
    // The one copy of a frame: out of the reader's buffer into the Buffer every viewer then shares.
    Buffer data = Buffer.buffer(length).appendBytes(bytes, offset, length);
    boolean encoderWanted;
    boolean replayChanged = false;
    boolean firstPicture;
    synchronized (publishing) {
      if (publishable != gen) {
        return;
      }
      StreamFormat format = kind.format();
      long now = System.currentTimeMillis();
      Frame frame = new Frame(camera.id(), worker, gen, (format == StreamFormat.MP4 ? mp4Seq : jpegSeq).incrementAndGet(),
          now, kind, data);
      firstPicture = kind.isPicture() && format == publishableFormat && clock.count(gen, now);
      JpegEncoder running = encoder;
      if (format == StreamFormat.JPEG) {
        latest = frame;
      } else {
        replayChanged = group.add(frame);
        if (running != null) {
          running.feed(frame);
        }
      }
      if (!silent) {
        String address = Addresses.stream(camera.id(), format);
        FramesWaiting waiting = FramesWaiting.at(vertx, address);
        if (waiting == null || waiting.admit()) {
          bus.publish(address, frame);
        }
      }
      encoderWanted = kind == Frame.Kind.MP4_KEY && now <= jpegWantedUntil
          && (running == null || running.generation() != gen || !running.isRunning());
    }
    if (firstPicture) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.PICTURE, gen, -1, null));
    }
    if (replayChanged) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.REPLAY, gen, -1,
          group.fits() ? FfmpegEvent.REPLAY_GROUP : FfmpegEvent.REPLAY_KEYFRAME));
    }
    if (kind == Frame.Kind.MP4_INIT) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.MEDIA, gen, -1, Mp4Codec.mimeOf(bytes, offset, offset + length)));
    } else if (encoderWanted) {
      later(this::ensureEncoder);
    } else if (kind == Frame.Kind.JPEG && snapshotsWaiting) {
      later(this::answerSnapshots);
    }
  }

  private void onExited(FfmpegProcess exited, long gen, Thread stderrThread, StderrTail stderr) {
    if (exited.wasKilled() || exited != process) {
      return; // killed on purpose: the supervisor already knows
    }
    joinQuietly(stderrThread); // its last lines say why ffmpeg exited
    stopPublishing();
    stopEncoder();
    process = null;
    int code = exited.onExit().join().exitValue();
    String reason = stderr.lastError() != null ? stderr.lastError()
        : code == 0 ? "the source ended its stream (ffmpeg exited with code 0)" : "ffmpeg exited with code " + code;
    LOG.debug("camera {}: ffmpeg generation {} exited with code {}: {}", camera.id(), gen, code, reason);
    report(new FfmpegEvent(FfmpegEvent.Kind.EXITED, gen, exited.pid(), reason, stderr.last(STDERR_TAIL_LINES)));
  }

  private void report(FfmpegEvent event) {
    bus.send(Addresses.ffmpegEvents(camera.id()), event.toJson(), Addresses.localOnly());
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
