package io.visionroi.camera;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.Frame;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.CameraSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns one camera's ffmpeg: at most one generation (one process) at a time. Deployed as a worker verticle
 * because killing a process and waiting for it to be gone blocks. It starts and kills ffmpeg only when its
 * supervisor says so ({@link FfmpegAction}) and reports what ffmpeg did ({@link FfmpegEvent}); the
 * decisions (when a camera is in outage, when to retry) are the watchdog's.
 * <p>
 * Frames are read on a dedicated thread per generation and published directly (the event bus is
 * thread-safe); a frame of a generation that is no longer current is dropped, never published.
 */
public class CameraVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);
  /** How much of ffmpeg's stderr reaches the log when a camera fails. */
  private static final int STDERR_TAIL_LINES = 5;

  private final CameraConfig camera;
  private final String ffmpegPath;
  private final AtomicLong seq = new AtomicLong();

  private EventBus bus;
  private FfmpegProcess process;
  private long generation;
  /** The generation whose frames may be published; 0 while none may. Read by the reader threads. */
  private volatile long publishing;
  private volatile Frame latest;
  /** Whether the source is passed through: decided at the first start that can tell; null until then. */
  private Boolean copySource;

  public CameraVerticle(CameraConfig camera, String ffmpegPath) {
    this.camera = camera;
    this.ffmpegPath = ffmpegPath;
  }

  @Override
  public void start() {
    bus = vertx.eventBus();
    bus.<String>localConsumer(Addresses.ffmpeg(camera.id()), this::onAction);
    bus.<Object>consumer(Addresses.snapshot(camera.id()), this::onSnapshot);
  }

  @Override
  public void stop() {
    ensureFfmpegGone();
  }

  private void onAction(Message<String> message) {
    switch (FfmpegAction.valueOf(message.body())) {
      case START -> startGeneration();
      case STOP -> ensureFfmpegGone();
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
    publishing = 0;
    latest = null;
    FfmpegProcess old = process;
    process = null;
    if (old != null) {
      old.ensureGone(KILL_WAIT);
    }
  }

  private void startGeneration() {
    ensureFfmpegGone();
    long gen = ++generation;
    List<String> command = FfmpegCommand.forCamera(ffmpegPath, camera, copySource());
    FfmpegProcess started;
    try {
      started = FfmpegProcess.start(command, "camera " + camera.id());
    } catch (IOException | RuntimeException e) {
      report(new FfmpegEvent(FfmpegEvent.Kind.SPAWN_FAILED, gen, -1, e.getMessage(), List.of()));
      return;
    }
    process = started;
    publishing = gen;
    LOG.debug("camera {}: ffmpeg generation {} started, pid {}", camera.id(), gen, started.pid());
    report(new FfmpegEvent(FfmpegEvent.Kind.STARTED, gen, started.pid(), null, List.of()));

    StderrTail stderr = new StderrTail();
    Thread stderrThread = daemon("ffmpeg-" + camera.id() + "-err-" + gen, () -> stderr.drain(started.stderr()));
    Thread stdoutThread = daemon("ffmpeg-" + camera.id() + "-out-" + gen, () -> readFrames(started, gen));
    stderrThread.start();
    stdoutThread.start();

    started.onExit().thenRun(() -> context.runOnContext(v -> onExited(started, gen, stderrThread, stderr)));
  }

  private boolean copySource() {
    if (copySource == null) {
      copySource = switch (camera.passthrough()) {
        case ALWAYS -> true;
        case NEVER -> false;
        case AUTO -> camera.reshapes() || camera.source() == CameraSource.LAVFI ? Boolean.FALSE
            : SourceProbe.codec(ffmpegPath, camera).map(codec -> {
              LOG.info("camera {}: source sends {}{}", camera.id(), codec,
                  codec.equals("mjpeg") ? ": passed through without encoding again" : ": encoded to JPEG");
              return codec.equals("mjpeg");
            }).orElse(null);
      };
    }
    // Not known yet (the source did not answer the probe): encode this time, ask again next start.
    return Boolean.TRUE.equals(copySource);
  }

  private void readFrames(FfmpegProcess source, long gen) {
    JpegFrameReader reader = new JpegFrameReader(MAX_FRAME_BYTES, (bytes, length) -> {
      if (publishing != gen) {
        return;
      }
      // The one copy of a frame: out of the reader's buffer into the Buffer every viewer then shares.
      Buffer jpeg = Buffer.buffer(length).appendBytes(bytes, 0, length);
      Frame frame = new Frame(camera.id(), gen, seq.incrementAndGet(), System.currentTimeMillis(), jpeg);
      latest = frame;
      bus.publish(Addresses.frames(camera.id()), frame);
    });
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

  private void onExited(FfmpegProcess exited, long gen, Thread stderrThread, StderrTail stderr) {
    if (exited.wasKilled() || exited != process) {
      return; // killed on purpose: the supervisor already knows
    }
    joinQuietly(stderrThread); // its last lines say why ffmpeg exited
    process = null;
    publishing = 0;
    int code = exited.onExit().join().exitValue();
    String reason = stderr.lastLine() != null ? stderr.lastLine() : "ffmpeg exited with code " + code;
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
