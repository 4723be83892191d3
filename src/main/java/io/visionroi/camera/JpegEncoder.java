package io.visionroi.camera;

import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JPEG encoder of an MP4 camera: a second ffmpeg, fed the camera's own fragmented MP4 on stdin (no second
 * connection to the camera), that writes a JPEG per frame. One per camera generation: a new generation has a
 * new init segment. Fed from the camera's reader thread without blocking it: a writer thread of its own
 * drains a bounded queue, and when the encoder falls behind, fragments are dropped up to the next keyframe
 * (a fragment without those before it cannot be decoded).
 */
final class JpegEncoder {

  private static final Logger LOG = LoggerFactory.getLogger(JpegEncoder.class);
  /** About four seconds at 15 fps. */
  private static final int QUEUE_FRAMES = 64;
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);

  private final FfmpegProcess process;
  private final long generation;
  private final String label;
  private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
  /** Pictures of a replayed group not to hand on: only the newest is news. */
  private final AtomicInteger skip = new AtomicInteger();
  /** Touched by the feeding thread only. */
  private boolean waitForKeyframe;
  private long lastFedSeq = -1;

  private JpegEncoder(FfmpegProcess process, long generation, String label) {
    this.process = process;
    this.generation = generation;
    this.label = label;
  }

  /** Starts the encoder for a camera generation; its JPEGs go to {@code sink} on a thread of its own. */
  static JpegEncoder start(String ffmpegPath, int quality, long generation, String label,
      JpegFrameReader.FrameSink sink) throws IOException {
    FfmpegProcess process = FfmpegProcess.start(FfmpegCommand.jpegFromMp4(ffmpegPath, quality), label, true);
    JpegEncoder encoder = new JpegEncoder(process, generation, label);
    JpegFrameReader reader = new JpegFrameReader(FrameCodec.MAX_FRAME_BYTES, (bytes, offset, length) -> {
      if (encoder.skip.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
        sink.frame(bytes, offset, length);
      }
    });
    StderrTail stderr = new StderrTail(codec -> { });
    Daemons.start(label + "-out", () -> {
      try {
        reader.readAll(process.stdout());
      } catch (IOException e) {
        // killed
      }
    });
    Daemons.start(label + "-err", () -> stderr.drain(process.stderr()));
    Daemons.start(label + "-in", encoder::writeAll);
    process.onExit().thenRun(() -> {
      if (!process.wasKilled()) {
        LOG.warn("{}: JPEG encoder exited: {}", label, stderr.lastError() != null ? stderr.lastError()
            : "code " + process.onExit().join().exitValue());
      }
    });
    return encoder;
  }

  long generation() {
    return generation;
  }

  boolean isRunning() {
    return !process.onExit().isDone();
  }

  /** The first frames: an init segment and a group from its keyframe; only the last picture is handed on. */
  void feedReplay(List<Frame> replay) {
    skip.set((int) Math.max(0, replay.stream().filter(f -> f.kind().isPicture()).count() - 1));
    replay.forEach(this::feed);
  }

  /** Queues a frame for the encoder, in order, never blocking; frames older than the last fed are ignored. */
  void feed(Frame frame) {
    if (frame.generation() != generation || frame.seq() <= lastFedSeq) {
      return;
    }
    lastFedSeq = frame.seq();
    if (waitForKeyframe && frame.kind() != Frame.Kind.MP4_KEY) {
      return;
    }
    waitForKeyframe = !queue.offer(frame);
  }

  /** Kills the encoder and waits until it is gone; blocks, so from a worker thread. */
  void ensureGone() {
    process.ensureGone(KILL_WAIT);
  }

  private void writeAll() {
    try (OutputStream in = process.stdin()) {
      while (true) {
        Frame frame = queue.poll(1, TimeUnit.SECONDS);
        if (frame != null) {
          in.write(frame.data().getBytes());
          in.flush();
        } else if (!isRunning()) {
          return;
        }
      }
    } catch (IOException e) {
      // The encoder was killed or died: its exit says why.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return label;
  }
}
