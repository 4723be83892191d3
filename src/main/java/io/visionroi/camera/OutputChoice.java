package io.visionroi.camera;

import io.visionroi.bus.StreamFormat;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.CameraSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Set;

/**
 * What a camera's ffmpeg makes of its source: JPEG frames (encoded, or the source's own passed through) or the
 * source's H.264/H.265 as fragmented MP4. It follows the camera's {@code output} and {@code passthrough}, and on
 * auto the source's codec, which only a running ffmpeg names: that is remembered for this camera config's next
 * starts. Used on the camera's worker only.
 */
final class OutputChoice {

  /** Its line is the camera worker's, under that name as before. */
  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  private static final String MJPEG = "mjpeg";
  /** What an MP4 output can carry: H.264 and H.265 as the camera sent them. */
  private static final Set<String> MP4_CODECS = Set.of("h264", "hevc");

  private final CameraConfig camera;
  /** The source's codec as the last ffmpeg named it; null until then. */
  private String sourceCodec;
  /** What the newest generation's ffmpeg makes of the source; null before the first. */
  private FfmpegCommand.Encoding chosen;

  OutputChoice(CameraConfig camera) {
    this.camera = camera;
  }

  /** Chooses for a new generation, from what is known of the source now. */
  FfmpegCommand.Encoding choose() {
    chosen = encodingFor();
    return chosen;
  }

  /** Whether the newest generation makes MP4 (then JPEG comes from its encoder, on demand). */
  boolean chosenMp4() {
    return chosen == FfmpegCommand.Encoding.COPY_MP4;
  }

  /** Whether output "mp4" cannot carry what the source sends. */
  boolean unsuitable(String codec) {
    return camera.output() == CameraConfig.Output.MP4 && !MP4_CODECS.contains(codec);
  }

  /** Remembers the codec a generation's ffmpeg named, saying what it means when it is news. */
  void remember(String codec) {
    if (!Objects.equals(codec, sourceCodec)) {
      sourceCodec = codec;
      LOG.info("camera {}: source sends {}: {}", camera.id(), codec, switch (encodingFor()) {
        case COPY_MP4 -> "sent to browsers as MP4 without encoding again";
        case COPY_JPEG -> "passed through without encoding again";
        case JPEG -> "encoded to JPEG";
      });
    }
  }

  /** Whether what is known of the source now would choose otherwise than for the newest generation. */
  boolean outdated() {
    return encodingFor() != chosen;
  }

  static StreamFormat formatOf(FfmpegCommand.Encoding encoding) {
    return encoding == FfmpegCommand.Encoding.COPY_MP4 ? StreamFormat.MP4 : StreamFormat.JPEG;
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
   * MP4 when the config says so, or (auto) for an H.264 or H.265 source that needs no size or rate change:
   * its ffmpeg then only copies, JPEG is encoded only while someone wants it, and the RTSP re-stream has the
   * camera's own video. Before any ffmpeg has named the codec, an RTSP camera is taken for H.264 or H.265, as
   * nearly all are (a wrong guess costs one restart, as for MJPEG).
   */
  private StreamFormat outputFor() {
    return switch (camera.output()) {
      case JPEG -> StreamFormat.JPEG;
      case MP4 -> StreamFormat.MP4;
      case AUTO -> camera.reshapes() || camera.passthrough() == CameraConfig.Passthrough.ALWAYS ? StreamFormat.JPEG
          : sourceCodec == null ? (camera.source() == CameraSource.RTSP ? StreamFormat.MP4 : StreamFormat.JPEG)
          : MP4_CODECS.contains(sourceCodec) ? StreamFormat.MP4 : StreamFormat.JPEG;
    };
  }
}
