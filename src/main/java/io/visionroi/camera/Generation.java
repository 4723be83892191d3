package io.visionroi.camera;

import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One generation of a camera's ffmpeg: the process, and the threads that block on its pipes so the camera's
 * worker never does. Its stdout reader hands each frame on, on that thread, to be published; its stderr
 * reader names the source's codec and keeps the lines that say why ffmpeg exited.
 */
final class Generation {

  /** Its lines are the camera worker's, under that name as before. */
  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);
  /** How much of ffmpeg's stderr reaches the log when a camera fails. */
  private static final int STDERR_TAIL_LINES = 5;

  /** Where a generation's frames go, from the thread that read them. */
  interface Publisher {
    void publish(Frame.Kind kind, byte[] bytes, int offset, int length);
  }

  private final String cameraId;
  private final long number;
  private final FfmpegCommand.Encoding encoding;
  private final FfmpegProcess process;
  private final Publisher publisher;
  /** Set when the readers start, on the worker, which alone reads them. */
  private StderrTail stderr;
  private Thread stderrThread;

  private Generation(String cameraId, long number, FfmpegCommand.Encoding encoding, FfmpegProcess process,
      Publisher publisher) {
    this.cameraId = cameraId;
    this.number = number;
    this.encoding = encoding;
    this.process = process;
    this.publisher = publisher;
  }

  /** Starts ffmpeg with {@code command}, which makes {@code encoding}; its pipes are read from {@link #startReading}. */
  static Generation start(List<String> command, String cameraId, long number, FfmpegCommand.Encoding encoding,
      Publisher publisher) throws IOException {
    FfmpegProcess process = FfmpegProcess.start(command, "camera " + cameraId);
    return new Generation(cameraId, number, encoding, process, publisher);
  }

  /** Starts the readers; the source's codec and the exit are told on other threads. */
  void startReading(Consumer<String> onSourceCodec, Runnable onExit) {
    StderrTail tail = new StderrTail(onSourceCodec);
    stderr = tail;
    stderrThread = Daemons.start("ffmpeg-" + cameraId + "-err-" + number, () -> tail.drain(process.stderr()));
    Daemons.start("ffmpeg-" + cameraId + "-out-" + number,
        encoding == FfmpegCommand.Encoding.COPY_MP4 ? this::readSegments : this::readFrames);
    process.onExit().thenRun(onExit);
  }

  long number() {
    return number;
  }

  FfmpegCommand.Encoding encoding() {
    return encoding;
  }

  long pid() {
    return process.pid();
  }

  /** Whether it was killed on purpose, rather than exited on its own. */
  boolean wasKilled() {
    return process.wasKilled();
  }

  /** A frame of this generation made by another process (its JPEG encoder's), published as its own. */
  void publish(Frame.Kind kind, byte[] bytes, int offset, int length) {
    publisher.publish(kind, bytes, offset, length);
  }

  /** Kills its group and waits until it is gone; blocks. */
  void ensureGone() {
    process.ensureGone(KILL_WAIT);
  }

  /** Waits briefly for the stderr reader to finish: its last lines say why ffmpeg exited. */
  void awaitStderr() {
    try {
      stderrThread.join(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the supervisor is told of an exit on its own: why, and ffmpeg's last lines. */
  FfmpegEvent exited() {
    int code = process.onExit().join().exitValue();
    String reason = stderr.lastError() != null ? stderr.lastError()
        : code == 0 ? "the source ended its stream (ffmpeg exited with code 0)" : "ffmpeg exited with code " + code;
    LOG.debug("camera {}: ffmpeg generation {} exited with code {}: {}", cameraId, number, code, reason);
    return new FfmpegEvent(FfmpegEvent.Kind.EXITED, number, process.pid(), reason, stderr.last(STDERR_TAIL_LINES));
  }

  private void readSegments() {
    Mp4FragmentReader reader = new Mp4FragmentReader(FrameCodec.MAX_FRAME_BYTES, publisher::publish);
    try {
      reader.readAll(process.stdout());
    } catch (IOException e) {
      // The pipe closed under us: the process was killed.
    }
    if (reader.problem() != null && !process.wasKilled()) {
      LOG.warn("camera {}: ffmpeg generation {} wrote no MP4 the service can read ({}): left to the watchdog",
          cameraId, number, reader.problem());
    }
  }

  private void readFrames() {
    JpegFrameReader reader = new JpegFrameReader(FrameCodec.MAX_FRAME_BYTES,
        (bytes, offset, length) -> publisher.publish(Frame.Kind.JPEG, bytes, offset, length));
    try {
      reader.readAll(process.stdout());
    } catch (IOException e) {
      // The pipe closed under us: the process was killed.
    }
    // A frame cut short by our own SIGKILL is expected; anything else in the stream is worth one line.
    long truncated = process.wasKilled() ? 0 : reader.truncatedFrames();
    if (reader.discardedBytes() > 0 || reader.oversizeFrames() > 0 || truncated > 0) {
      LOG.warn("camera {}: ffmpeg generation {} output had {} bytes of garbage, {} oversize and {} truncated frames",
          cameraId, number, reader.discardedBytes(), reader.oversizeFrames(), truncated);
    }
  }
}
