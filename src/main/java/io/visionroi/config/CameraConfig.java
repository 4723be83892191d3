package io.visionroi.config;

import java.time.Duration;
import java.util.List;

/**
 * One camera as configured (README, "Configuration"). Immutable; two cameras with equal settings are
 * equal, which is how a reload tells a changed camera from an unchanged one.
 *
 * @param id            unique, {@code [A-Za-z0-9_-]{1,64}}; part of URLs and event-bus addresses
 * @param name          what people see; the id when not configured
 * @param url           the source as ffmpeg reads it (may hold a password: show only {@link #maskedUrl()})
 * @param enabled       false keeps the camera listed but never started
 * @param rtspTransport for RTSP sources: tcp (default), udp, udp_multicast, http or https
 * @param timeout       network read timeout for RTSP, HTTP and TCP sources; zero for none
 * @param inputArgs     extra ffmpeg arguments placed before {@code -i}, one list item per argument
 * @param width         output width, or null to keep the source's (with height: both, else the ratio is kept)
 * @param height        output height, or null
 * @param fps           output frame rate cap, or null to keep the source's
 * @param quality       JPEG quality for ffmpeg's {@code -q:v}, 2 (best) to 31
 * @param passthrough   whether MJPEG sources are copied instead of decoded and encoded again
 * @param output        what viewers get: JPEG frames, or the source's H.264 as fragmented MP4
 * @param onDemand      run ffmpeg only while someone watches
 * @param idleStop      with onDemand: how long after the last viewer left ffmpeg is stopped
 */
public record CameraConfig(String id, String name, String url, boolean enabled, String rtspTransport,
    Duration timeout, List<String> inputArgs, Integer width, Integer height, Double fps, int quality,
    Passthrough passthrough, Output output, boolean onDemand, Duration idleStop) {

  /** How a camera's source is turned into JPEG frames. */
  public enum Passthrough {
    /** Copy when ffprobe says the source is MJPEG and no size or rate change is asked for. */
    AUTO,
    /** Always copy: the source must be MJPEG. */
    ALWAYS,
    /** Always decode and encode again. */
    NEVER
  }

  /** What a camera sends viewers. */
  public enum Output {
    /** MP4 for an H.264 source that needs no size or rate change, JPEG otherwise. */
    AUTO,
    /** JPEG frames, whatever the source. */
    JPEG,
    /** The source's H.264 or H.265 as it is, in fragmented MP4 (JPEG too, encoded while someone wants it). */
    MP4
  }

  public static final String DEFAULT_RTSP_TRANSPORT = "tcp";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_QUALITY = 5;
  public static final Duration DEFAULT_IDLE_STOP = Duration.ofSeconds(10);

  public CameraConfig {
    inputArgs = List.copyOf(inputArgs);
  }

  /** A camera with every option at its default. */
  public static CameraConfig of(String id, String name, String url) {
    return new CameraConfig(id, name, url, true, DEFAULT_RTSP_TRANSPORT, DEFAULT_TIMEOUT, List.of(), null, null,
        null, DEFAULT_QUALITY, Passthrough.AUTO, Output.AUTO, false, DEFAULT_IDLE_STOP);
  }

  /** The same camera under another name. */
  public CameraConfig withName(String newName) {
    return new CameraConfig(id, newName, url, enabled, rtspTransport, timeout, inputArgs, width, height, fps, quality,
        passthrough, output, onDemand, idleStop);
  }

  /** True when {@code other} is this camera with only another name: nothing about its ffmpeg changes. */
  public boolean differsOnlyInName(CameraConfig other) {
    return other != null && !name.equals(other.name) && withName(other.name).equals(other);
  }

  public String maskedUrl() {
    return Secrets.mask(url);
  }

  public CameraSource source() {
    return CameraSource.of(url);
  }

  /** True when the output must differ from the source in size or rate, which copying cannot do. */
  public boolean reshapes() {
    return width != null || height != null || fps != null;
  }
}
