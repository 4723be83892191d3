package io.visionroi.camera;

import io.visionroi.config.CameraConfig;
import io.visionroi.config.CameraSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds ffmpeg argument lists, never a shell string: a camera's (one input, JPEG frames or fragmented MP4 on
 * stdout) and the JPEG encoder's of an MP4 camera (that MP4 on stdin, JPEG frames on stdout).
 */
public final class FfmpegCommand {

  /** What a camera's ffmpeg makes of its source. */
  public enum Encoding {
    /** Decode and encode JPEG frames (any source). */
    JPEG,
    /** Pass the source's JPEGs through: only for MJPEG sources. */
    COPY_JPEG,
    /** Put the source's H.264/H.265 as it is into fragmented MP4, a fragment per frame. */
    COPY_MP4
  }

  /**
   * empty_moov: the init segment comes first, before any picture; default_base_moof: each fragment's offsets
   * count from its own moof, as Media Source Extensions want; frag_every_frame: a fragment per frame, so
   * latency stays that of a JPEG.
   */
  private static final String FRAGMENTED_MP4 = "empty_moov+default_base_moof+frag_every_frame";
  /** -flush_packets: each JPEG leaves ffmpeg as soon as it is ready, not when an output buffer fills. */
  private static final List<String> JPEG_OUT = List.of("-f", "mjpeg", "-flush_packets", "1", "pipe:1");

  private FfmpegCommand() {
  }

  // What each kind of camera may make ffmpeg open (-protocol_whitelist, which nested opens inherit): its own
  // protocols and what they run on, never a file or another kind of URL that the source's answer names.
  static final String RTSP_PROTOCOLS = "rtsp,rtsps,rtp,srtp,udp,tcp,tls";
  static final String STREAM_PROTOCOLS = "http,https,tcp,tls";
  static final String DATAGRAM_PROTOCOLS = "udp,srt,rtp";
  /**
   * What an HTTP or TCP camera may send: MJPEG (multipart or bare), MPEG-TS, FLV, raw H.264/H.265, MP4,
   * Matroska. Not a playlist (HLS, DASH, concat), whose entries would make ffmpeg fetch other addresses.
   */
  static final String STREAM_FORMATS = "mpjpeg,mjpeg,jpeg_pipe,mpegts,flv,h264,hevc,mov,matroska";

  public static List<String> forCamera(String ffmpegPath, CameraConfig camera, Encoding encoding) {
    // Info level, each line tagged with its level: the input's description names the source's codec
    // (StderrTail); -nostats keeps ffmpeg quiet after that.
    List<String> args = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-nostats",
        "-loglevel", "level+info"));
    args.addAll(sourceOptions(camera));
    args.addAll(camera.inputArgs());
    args.addAll(List.of("-i", camera.source() == CameraSource.LAVFI
        ? camera.url().substring(CameraSource.LAVFI_PREFIX.length()) : camera.url()));
    args.addAll(List.of("-an", "-sn", "-dn"));
    args.addAll(output(camera, encoding));
    return args;
  }

  /** How ffmpeg opens each kind of source: what it may open, and how long it waits for it. */
  private static List<String> sourceOptions(CameraConfig camera) {
    List<String> args = new ArrayList<>();
    String timeoutMicros = Long.toString(camera.timeout().toMillis() * 1000);
    boolean timeout = !camera.timeout().isZero();
    switch (camera.source()) {
      case LAVFI -> args.addAll(List.of("-re", "-f", "lavfi"));
      case DEVICE -> args.addAll(List.of("-f", "v4l2"));
      case RTSP -> {
        // The SDP names the codec: stop probing at the first packet, and keep it (-fflags nobuffer would
        // drop what probing read, keyframe included, and wait a whole keyframe interval for the next).
        args.addAll(List.of("-protocol_whitelist", RTSP_PROTOCOLS, "-probesize", "32", "-rtsp_transport",
            camera.rtspTransport()));
        if (timeout) {
          args.addAll(List.of("-timeout", timeoutMicros));
        }
      }
      case STREAM -> {
        args.addAll(List.of("-protocol_whitelist", STREAM_PROTOCOLS, "-format_whitelist", STREAM_FORMATS,
            "-fflags", "nobuffer"));
        if (timeout) {
          args.addAll(List.of("-rw_timeout", timeoutMicros));
        }
      }
      case DATAGRAM -> args.addAll(List.of("-protocol_whitelist", DATAGRAM_PROTOCOLS, "-fflags", "nobuffer"));
      // A file plays in a loop at its own rate, like a camera that never ends.
      case FILE -> args.addAll(List.of("-protocol_whitelist", "file", "-re", "-stream_loop", "-1"));
    }
    return args;
  }

  /** What ffmpeg writes on stdout for that encoding. */
  private static List<String> output(CameraConfig camera, Encoding encoding) {
    if (encoding == Encoding.COPY_MP4) {
      return List.of("-c:v", "copy", "-f", "mp4", "-movflags", FRAGMENTED_MP4, "-flush_packets", "1", "pipe:1");
    }
    List<String> args = new ArrayList<>(encoding == Encoding.COPY_JPEG ? List.of("-c:v", "copy")
        : jpegEncoding(reshaping(camera), camera.quality()));
    args.addAll(JPEG_OUT);
    return args;
  }

  /** The filters that give the camera's configured rate and size. */
  private static List<String> reshaping(CameraConfig camera) {
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
    return filters;
  }

  /**
   * The JPEG encoder of an MP4 camera: reads the camera's fragmented MP4 on stdin (init segment first),
   * writes a JPEG per frame on stdout. One decoding thread: frame threads would hold back a frame each.
   */
  public static List<String> jpegFromMp4(String ffmpegPath, int quality) {
    List<String> args = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-nostats",
        "-loglevel", "level+error", "-threads", "1", "-f", "mp4", "-i", "pipe:0", "-an", "-sn", "-dn"));
    args.addAll(jpegEncoding(new ArrayList<>(), quality));
    args.addAll(JPEG_OUT);
    return args;
  }

  /**
   * One JPEG per decoded picture, whatever the camera's timestamps do (they jump back when its clock is set
   * or another client joins): numbered frames for the encoder, and no constant frame rate, which would drop
   * every frame until the timestamps caught up again. {@code filters} come first.
   */
  private static List<String> jpegEncoding(List<String> filters, int quality) {
    filters.add("settb=1/1000");
    filters.add("setpts=N");
    return List.of("-vf", String.join(",", filters), "-enc_time_base", "1/1000", "-fps_mode", "passthrough",
        "-c:v", "mjpeg", "-q:v", Integer.toString(quality));
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
