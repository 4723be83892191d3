package io.visionroi.camera;

import io.visionroi.config.CameraConfig;
import io.visionroi.config.CameraSource;

import java.util.ArrayList;
import java.util.List;

/** Builds a camera's ffmpeg argument list: one input, MJPEG frames on stdout. Never a shell string. */
public final class FfmpegCommand {

  /** Network read timeout (microseconds) so ffmpeg usually exits by itself; the watchdog never relies on it. */
  private static final String NETWORK_TIMEOUT_US = "10000000";

  private FfmpegCommand() {
  }

  public static List<String> forCamera(String ffmpegPath, CameraConfig camera) {
    List<String> args = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-loglevel", "error"));
    String url = camera.url();
    switch (camera.source()) {
      case LAVFI -> args.addAll(List.of("-re", "-f", "lavfi", "-i", url.substring(CameraSource.LAVFI_PREFIX.length())));
      case DEVICE -> args.addAll(List.of("-f", "v4l2", "-i", url));
      case RTSP -> args.addAll(List.of("-fflags", "nobuffer", "-rtsp_transport", "tcp", "-timeout", NETWORK_TIMEOUT_US,
          "-i", url));
      case STREAM -> args.addAll(List.of("-fflags", "nobuffer", "-rw_timeout", NETWORK_TIMEOUT_US, "-i", url));
      case DATAGRAM -> args.addAll(List.of("-fflags", "nobuffer", "-i", url));
      // A file plays in a loop at its own rate, like a camera that never ends.
      case FILE -> args.addAll(List.of("-re", "-stream_loop", "-1", "-i", url));
    }
    // -flush_packets: each JPEG leaves ffmpeg as soon as it is encoded, not when an output buffer fills.
    args.addAll(List.of("-an", "-sn", "-dn", "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg", "-flush_packets", "1",
        "pipe:1"));
    return args;
  }
}
