package io.visionroi.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Every event-bus address of the service, in one place: {@link #CAMERAS}, {@link #RUNNING} and {@link #CONFIG}
 * within the node, and per camera (all cluster-wide but where marked local):
 * <ul>
 *   <li>{@code camera.<id>.frames}: publish, a {@link Frame} per JPEG read from ffmpeg;</li>
 *   <li>{@code camera.<id>.state}: publish, a status JSON (see {@link CameraStatus}) on every state change and, while an
 *       outage lasts, again every {@code outageRetry}; viewers of an {@code outage} status are closed;</li>
 *   <li>{@code camera.<id>.control}: request/reply to the camera's supervisor: {@code status}, {@code restart};</li>
 *   <li>{@code camera.<id>.snapshot}: request/reply to the camera's worker: the latest {@link Frame};</li>
 *   <li>{@code camera.<id>.viewers}: publish, each node's HTTP side to the supervisor:
 *       {@code {"node": ..., "viewers": n}}, on every change and every few seconds;</li>
 *   <li>{@code camera.<id>.ffmpeg}: send, local, supervisor to worker: {@link FfmpegOrder}s;</li>
 *   <li>{@code camera.<id>.ffmpeg.events}: send, local, worker to supervisor: ffmpeg generation started, exited,
 *       failed.</li>
 * </ul>
 */
public final class Addresses {

  /** Publish, local: the configured {@link CameraSet}, after each config reload (for the HTTP side). */
  public static final String CAMERAS = "service.cameras";
  /** Request, local: the {@link CameraSet} running on this node, whenever it changes; the watchdog replies once it follows. */
  public static final String RUNNING = "service.cameras.running";
  /**
   * Publish, cluster-wide: a node gave cameras up; every node places them at once instead of at its next round.
   * The body is the node id of a node that stops (it takes nothing from now on), or null.
   */
  public static final String PLACEMENT = "service.placement";
  /** Publish, local: {@code {"error": null | "..."}} after each config (re)load, for health. */
  public static final String CONFIG = "service.config";

  private Addresses() {
  }

  /** For node-internal messages: delivered here only, never looked up in or sent across a cluster. */
  public static DeliveryOptions localOnly() {
    return new DeliveryOptions().setLocalOnly(true);
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

  /** Publish, each node's HTTP side to the camera's supervisor: how many viewers that node has for the camera. */
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
