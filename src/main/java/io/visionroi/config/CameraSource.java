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
  /** An absolute path: a video file, played in a loop at its own rate. */
  FILE;

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
  private static final Set<String> RTSP_SCHEMES = Set.of("rtsp", "rtsps");
  private static final Set<String> STREAM_SCHEMES = Set.of("http", "https", "tcp");
  private static final Set<String> DATAGRAM_SCHEMES = Set.of("udp", "srt");
  private static final String KINDS = "use rtsp, rtsps, http, https, udp, tcp, srt, an absolute file path,"
      + " /dev/video*, or lavfi:";

  public static final String LAVFI_PREFIX = "lavfi:";
  private static final Pattern OPENS_INPUTS = Pattern.compile("(^|[^A-Za-z0-9_])a?movie($|[^A-Za-z0-9_])");

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
      if (url.length() == LAVFI_PREFIX.length()) {
        return Optional.of("lavfi: needs a filtergraph, e.g. lavfi:testsrc2=size=640x480:rate=15");
      }
      // The movie filters open any file or URL: a test pattern needs neither.
      return OPENS_INPUTS.matcher(url).find()
          ? Optional.of("lavfi: the movie and amovie filters may not be used (they open files and URLs)")
          : Optional.empty();
    }
    Matcher m = SCHEME.matcher(url);
    if (m.find()) {
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      if (!RTSP_SCHEMES.contains(scheme) && !STREAM_SCHEMES.contains(scheme) && !DATAGRAM_SCHEMES.contains(scheme)) {
        return Optional.of("unsupported scheme '" + scheme + "://' (" + KINDS + ")");
      }
      return Optional.empty();
    }
    // ffmpeg reads "name:..." as one of its own protocols (concat:, subfile:, async:, file:, cache:...), which
    // can open any file or URL: a path must be absolute, so that it is a file and nothing else.
    if (!url.startsWith("/")) {
      return Optional.of("neither a supported URL nor an absolute file path (" + KINDS + ")");
    }
    return Optional.empty();
  }
}
