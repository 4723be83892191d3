package io.visionroi.camera;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.config.CameraConfig;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns one camera's ffmpeg: at most one generation (one process) at a time, and a new one only once the
 * old group is gone, so the camera never sees two sessions from us. Deployed as a worker verticle on a pool
 * of its own, because killing a process and waiting for it to be gone blocks, and one slow camera must not
 * delay another. It starts and kills ffmpeg only when its supervisor says so ({@link FfmpegOrder}) and
 * reports what ffmpeg did ({@link FfmpegEvent}); the decisions (outage, retries) are the watchdog's.
 * <p>
 * Frames are read on a dedicated thread per generation and published directly (the event bus is
 * thread-safe); once a generation is stopped or replaced, none of its frames is published any more.
 */
public class CameraVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);
  /** How much of ffmpeg's stderr reaches the log when a camera fails. */
  private static final int STDERR_TAIL_LINES = 5;
  private static final String MJPEG = "mjpeg";

  private final CameraConfig camera;
  private final String ffmpegPath;
  private final AtomicLong seq = new AtomicLong();
  /** Makes "stop publishing this generation" and "publish a frame of it" exclusive. */
  private final Object publishing = new Object();

  private EventBus bus;
  private FfmpegProcess process;
  private long generation;
  /** Whether the running generation copies the source rather than encoding it. */
  private boolean copying;
  /** The generation whose frames may be published; 0 while none may. Guarded by {@link #publishing}. */
  private long publishable;
  private volatile Frame latest;
  /** The source's codec as the last ffmpeg named it, kept for this camera config's next starts; null until then. */
  private String sourceCodec;
  /** The newest order not carried out yet: orders that pile up while ffmpeg is being killed are merged. */
  private FfmpegOrder wanted;

  public CameraVerticle(CameraConfig camera, String ffmpegPath) {
    this.camera = camera;
    this.ffmpegPath = ffmpegPath;
  }

  @Override
  public void start() {
    bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(Addresses.ffmpeg(camera.id()), m -> want(FfmpegOrder.fromJson(m.body())));
    bus.<Object>consumer(Addresses.snapshot(camera.id()), this::onSnapshot);
  }

  @Override
  public void stop() {
    ensureFfmpegGone();
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
    if (frame == null) {
      request.fail(503, "no frame yet");
    } else {
      request.reply(frame);
    }
  }

  /** Kills the current generation's group, if any, and waits until it is gone. Its frames stop at once. */
  private void ensureFfmpegGone() {
    stopPublishing();
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
    copying = copiesSource();
    List<String> command = FfmpegCommand.forCamera(ffmpegPath, camera, copying);
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
    }
    LOG.debug("camera {}: ffmpeg generation {} started, pid {}", camera.id(), gen, started.pid());
    report(FfmpegEvent.of(FfmpegEvent.Kind.STARTED, gen, started.pid(), null));

    StderrTail stderr = new StderrTail(codec -> context.runOnContext(v -> onSourceCodec(gen, codec)));
    Thread stderrThread = daemon("ffmpeg-" + camera.id() + "-err-" + gen, () -> stderr.drain(started.stderr()));
    Thread stdoutThread = daemon("ffmpeg-" + camera.id() + "-out-" + gen, () -> readFrames(started, gen));
    stderrThread.start();
    stdoutThread.start();

    started.onExit().thenRun(() -> context.runOnContext(v -> onExited(started, gen, stderrThread, stderr)));
  }

  /** MJPEG is copied when the config says so, or (auto) once an ffmpeg has named the source's codec. */
  private boolean copiesSource() {
    return switch (camera.passthrough()) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> !camera.reshapes() && MJPEG.equals(sourceCodec);
    };
  }

  private void onSourceCodec(long gen, String codec) {
    if (gen != generation || process == null) {
      return;
    }
    if (!Objects.equals(codec, sourceCodec)) {
      sourceCodec = codec;
      LOG.info("camera {}: source sends {}: {}", camera.id(), codec,
          copiesSource() ? "passed through without encoding again" : "encoded to JPEG");
    }
    boolean outdated = copiesSource() != copying;
    report(FfmpegEvent.of(outdated ? FfmpegEvent.Kind.OUTDATED : FfmpegEvent.Kind.SOURCE, gen, process.pid(), codec));
  }

  private void readFrames(FfmpegProcess source, long gen) {
    JpegFrameReader reader = new JpegFrameReader(FrameCodec.MAX_FRAME_BYTES,
        (bytes, offset, length) -> publish(gen, bytes, offset, length));
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

  /** On the generation's reader thread. */
  private void publish(long gen, byte[] bytes, int offset, int length) {
    // The one copy of a frame: out of the reader's buffer into the Buffer every viewer then shares.
    Buffer jpeg = Buffer.buffer(length).appendBytes(bytes, offset, length);
    synchronized (publishing) {
      if (publishable != gen) {
        return;
      }
      Frame frame = new Frame(camera.id(), gen, seq.incrementAndGet(), System.currentTimeMillis(), jpeg);
      latest = frame;
      bus.publish(Addresses.frames(camera.id()), frame);
    }
  }

  private void onExited(FfmpegProcess exited, long gen, Thread stderrThread, StderrTail stderr) {
    if (exited.wasKilled() || exited != process) {
      return; // killed on purpose: the supervisor already knows
    }
    joinQuietly(stderrThread); // its last lines say why ffmpeg exited
    stopPublishing();
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

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
