package io.visionroi.camera;

import io.visionroi.config.CameraConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks ffprobe (beside the configured ffmpeg) which codec a camera's source sends, to pass MJPEG through
 * without decoding and encoding it again. Blocking, bounded; ffprobe runs in its own process group like
 * ffmpeg, so it is killed for sure too.
 */
final class SourceProbe {

  private static final Logger LOG = LoggerFactory.getLogger(SourceProbe.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private SourceProbe() {
  }

  /** The codec name (e.g. {@code mjpeg}, {@code h264}), or empty when the source did not answer in time. */
  static Optional<String> codec(String ffmpegPath, CameraConfig camera) {
    FfmpegProcess probe;
    try {
      probe = FfmpegProcess.start(FfmpegCommand.probeCodec(ffprobePath(ffmpegPath), camera), "probe " + camera.id());
    } catch (IOException e) {
      LOG.warn("camera {}: cannot run ffprobe to detect MJPEG: {}", camera.id(), e.getMessage());
      return Optional.empty();
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(probe.stdout().readAllBytes(), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        return "";
      }
    });
    try {
      String codec = output.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return codec.isEmpty() ? Optional.empty() : Optional.of(codec.lines().findFirst().orElse(codec));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } finally {
      probe.ensureGone(Duration.ofSeconds(1));
    }
  }

  /** ffprobe comes with ffmpeg: the same directory, or PATH when ffmpeg is found on PATH. */
  static String ffprobePath(String ffmpegPath) {
    Path path = Path.of(ffmpegPath);
    Path dir = path.getParent();
    return dir == null ? "ffprobe" : dir.resolve("ffprobe").toString();
  }
}
