package io.visionroi.camera;

import io.visionroi.config.CameraConfig;
import io.visionroi.config.CameraSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds a camera's ffmpeg argument list: one input, MJPEG frames on stdout. Never a shell string. */
public final class FfmpegCommand {

  private FfmpegCommand() {
  }

  /**
   * @param copy pass the source's JPEGs through ({@code -c:v copy}) instead of encoding new ones; only for
   *             sources that are MJPEG already
   */
  public static List<String> forCamera(String ffmpegPath, CameraConfig camera, boolean copy) {
    // Info level, each line tagged with its level: the input's description names the source's codec
    // (StderrTail); -nostats keeps ffmpeg quiet after that.
    List<String> args = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-nostats",
        "-loglevel", "level+info"));
    String url = camera.url();
    String timeoutMicros = Long.toString(camera.timeout().toMillis() * 1000);
    boolean timeout = !camera.timeout().isZero();
    switch (camera.source()) {
      case LAVFI -> args.addAll(List.of("-re", "-f", "lavfi"));
      case DEVICE -> args.addAll(List.of("-f", "v4l2"));
      case RTSP -> {
        // The SDP names the codec: stop probing at the first packet, and keep it (-fflags nobuffer would
        // drop what probing read, keyframe included, and wait a whole keyframe interval for the next).
        args.addAll(List.of("-probesize", "32", "-rtsp_transport", camera.rtspTransport()));
        if (timeout) {
          args.addAll(List.of("-timeout", timeoutMicros));
        }
      }
      case STREAM -> {
        args.addAll(List.of("-fflags", "nobuffer"));
        if (timeout) {
          args.addAll(List.of("-rw_timeout", timeoutMicros));
        }
      }
      case DATAGRAM -> args.addAll(List.of("-fflags", "nobuffer"));
      // A file plays in a loop at its own rate, like a camera that never ends.
      case FILE -> args.addAll(List.of("-re", "-stream_loop", "-1"));
    }
    args.addAll(camera.inputArgs());
    args.addAll(List.of("-i", camera.source() == CameraSource.LAVFI
        ? url.substring(CameraSource.LAVFI_PREFIX.length()) : url));
    args.addAll(List.of("-an", "-sn", "-dn"));
    if (copy) {
      args.addAll(List.of("-c:v", "copy"));
    } else {
      List<String> filters = new ArrayList<>();
      if (camera.fps() != null) {
        // The rate cap counts on the wall clock, not on the camera's timestamps, which jump.
        filters.add("setpts=(RTCTIME-RTCSTART)/(TB*1000000)");
        filters.add(String.format(Locale.ROOT, "fps=%s", trim(camera.fps())));
      }
      if (camera.width() != null || camera.height() != null) {
        // -2: keep the ratio with an even size, which the JPEG encoder's chroma subsampling wants.
        filters.add("scale=" + (camera.width() == null ? "-2" : camera.width()) + ":"
            + (camera.height() == null ? "-2" : camera.height()));
      }
      // One JPEG per decoded picture, whatever the camera's timestamps do (they jump back when its clock
      // is set or another client joins): numbered frames for the encoder, and no constant frame rate,
      // which would drop every frame until the timestamps caught up again.
      filters.add("settb=1/1000");
      filters.add("setpts=N");
      args.addAll(List.of("-vf", String.join(",", filters), "-enc_time_base", "1/1000", "-fps_mode", "passthrough",
          "-c:v", "mjpeg", "-q:v", Integer.toString(camera.quality())));
    }
    // -flush_packets: each JPEG leaves ffmpeg as soon as it is ready, not when an output buffer fills.
    args.addAll(List.of("-f", "mjpeg", "-flush_packets", "1", "pipe:1"));
    return args;
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
