package io.visionroi.bus;

/**
 * Every event-bus address of the service, in one place: {@link #CAMERAS} and {@link #CONFIG} for the node, and
 * per camera:
 * <ul>
 *   <li>{@code camera.<id>.frames}: publish, a {@link Frame} per JPEG read from ffmpeg;</li>
 *   <li>{@code camera.<id>.state}: publish, a status JSON (see {@link CameraStatus}) on every state change and, while an
 *       outage lasts, again every {@code outageRetry}; viewers of an {@code outage} status are closed;</li>
 *   <li>{@code camera.<id>.control}: request/reply to the camera's supervisor: {@code status}, {@code restart};</li>
 *   <li>{@code camera.<id>.snapshot}: request/reply to the camera's worker: the latest {@link Frame};</li>
 *   <li>{@code camera.<id>.viewers}: publish, HTTP side to supervisor: the number of viewers, on every change;</li>
 *   <li>{@code camera.<id>.ffmpeg}: send, supervisor to worker: {@link FfmpegAction}s;</li>
 *   <li>{@code camera.<id>.ffmpeg.events}: send, worker to supervisor: ffmpeg generation started, exited, failed.</li>
 * </ul>
 */
public final class Addresses {

  /** Publish, local: the {@link CameraSet} this node runs, at start and after each config reload. */
  public static final String CAMERAS = "service.cameras";
  /** Publish, local: {@code {"error": null | "..."}} after each config (re)load, for health. */
  public static final String CONFIG = "service.config";

  private Addresses() {
  }

  public static String frames(String cameraId) {
    return "camera." + cameraId + ".frames";
  }

  public static String state(String cameraId) {
    return "camera." + cameraId + ".state";
  }

  public static String control(String cameraId) {
    return "camera." + cameraId + ".control";
  }

  public static String snapshot(String cameraId) {
    return "camera." + cameraId + ".snapshot";
  }

  /** Publish, HTTP side to supervisor: how many viewers this node has for the camera (an Integer). */
  public static String viewers(String cameraId) {
    return "camera." + cameraId + ".viewers";
  }

  public static String ffmpeg(String cameraId) {
    return "camera." + cameraId + ".ffmpeg";
  }

  public static String ffmpegEvents(String cameraId) {
    return "camera." + cameraId + ".ffmpeg.events";
  }
}
