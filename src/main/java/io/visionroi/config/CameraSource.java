package io.visionroi.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What kind of input a camera URL names; decides how ffmpeg is told to open it. */
public enum CameraSource {
  /** {@code lavfi:<filtergraph>}, an ffmpeg test pattern. */
  LAVFI,
  /** {@code /dev/video*}, a V4L2 device. */
  DEVICE,
  /** {@code rtsp://}, {@code rtsps://}. */
  RTSP,
  /** {@code http://}, {@code https://}, {@code tcp://}: byte streams with a read timeout. */
  STREAM,
  /** {@code udp://}, {@code srt://}. */
  DATAGRAM,
  /** Anything without a scheme: a video file, played in a loop at its own rate. */
  FILE;

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
  private static final Set<String> RTSP_SCHEMES = Set.of("rtsp", "rtsps");
  private static final Set<String> STREAM_SCHEMES = Set.of("http", "https", "tcp");
  private static final Set<String> DATAGRAM_SCHEMES = Set.of("udp", "srt");

  public static final String LAVFI_PREFIX = "lavfi:";

  /** Read from the network: its errors may pass when the camera or the network comes back. */
  public boolean isNetwork() {
    return this == RTSP || this == STREAM || this == DATAGRAM;
  }

  /** The kind of a URL that {@link #problem(String)} accepts. */
  public static CameraSource of(String url) {
    if (url.startsWith(LAVFI_PREFIX)) {
      return LAVFI;
    }
    if (url.startsWith("/dev/video")) {
      return DEVICE;
    }
    Matcher m = SCHEME.matcher(url);
    if (!m.find()) {
      return FILE;
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    if (RTSP_SCHEMES.contains(scheme)) {
      return RTSP;
    }
    return STREAM_SCHEMES.contains(scheme) ? STREAM : DATAGRAM;
  }

  /** Why a URL cannot be a camera source, or empty when it can. */
  public static Optional<String> problem(String url) {
    if (url.isBlank()) {
      return Optional.of("must not be empty");
    }
    if (url.startsWith(LAVFI_PREFIX)) {
      return url.length() == LAVFI_PREFIX.length()
          ? Optional.of("lavfi: needs a filtergraph, e.g. lavfi:testsrc2=size=640x480:rate=15")
          : Optional.empty();
    }
    Matcher m = SCHEME.matcher(url);
    if (m.find()) {
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      if (!RTSP_SCHEMES.contains(scheme) && !STREAM_SCHEMES.contains(scheme) && !DATAGRAM_SCHEMES.contains(scheme)) {
        return Optional.of("unsupported scheme '" + scheme
            + "://' (use rtsp, rtsps, http, https, udp, tcp, srt, a file path, /dev/video*, or lavfi:)");
      }
    }
    return Optional.empty();
  }
}
