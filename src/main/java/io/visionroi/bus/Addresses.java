package io.visionroi.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Every event-bus address of the service, in one place: {@link #CAMERAS}, {@link #RUNNING} and {@link #CONFIG}
 * within the node, and per camera (all cluster-wide but where marked local):
 * <ul>
 *   <li>{@code camera.<id>.frames}: publish, a {@link Frame} per JPEG (read from ffmpeg, or from the JPEG
 *       encoder of an MP4 camera while someone wants JPEG);</li>
 *   <li>{@code camera.<id>.mp4}: publish, the {@link Frame}s of an MP4 camera: each generation's init segment,
 *       then its fragments;</li>
 *   <li>{@code camera.<id>.gop}: request/reply to the camera's worker: the init segment and the fragments
 *       since the last keyframe, as one Buffer ({@link FrameCodec#encodeAll}), for a node's first MP4 viewer;</li>
 *   <li>{@code camera.<id>.state}: publish, a status JSON (see {@link CameraStatus}) on every state change and, while an
 *       outage lasts, again every {@code outageRetry}; viewers of an {@code outage} status are closed;</li>
 *   <li>{@code camera.<id>.control}: request/reply to the camera's supervisor: {@code status}, {@code restart};</li>
 *   <li>{@code camera.<id>.snapshot}: request/reply to the camera's worker: the latest {@link Frame};</li>
 *   <li>{@code camera.<id>.viewers}: publish, each node's HTTP side to the supervisor:
 *       {@code {"node": ..., "viewers": n, "jpegViewers": m}}, on every change and every few seconds;</li>
 *   <li>{@code camera.<id>.ffmpeg}: send, local, supervisor to worker: {@link FfmpegOrder}s;</li>
 *   <li>{@code camera.<id>.ffmpeg.events}: send, local, worker to supervisor: ffmpeg generation started, exited,
 *       failed;</li>
 *   <li>{@code camera.<id>.jpeg.wanted}: send, local, supervisor to worker: some viewer wants JPEG from this
 *       camera (an MP4 camera then runs its JPEG encoder), repeated while it lasts;</li>
 *   <li>{@code camera.<id>.takeover}: request/reply, local, to a worker that runs silent (taking over from
 *       another node): {@code "ready"} answers whether it has a picture a viewer can start with,
 *       {@code "speak"} makes it publish from now on, starting with that picture.</li>
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
  /**
   * Publish, local: {@code {"state": "member" | "rejoining", "reason": ...}} from a cluster's placement: whether
   * this node may trust what it hears of the cluster (it is fenced, or has just resumed; see
   * {@code ClusterPlacement}). Never sent on a single node.
   */
  public static final String CLUSTER = "service.cluster";
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

  public static String mp4(String cameraId) {
    return "camera." + cameraId + ".mp4";
  }

  /** The address of a format's frames. */
  public static String stream(String cameraId, StreamFormat format) {
    return format == StreamFormat.MP4 ? mp4(cameraId) : frames(cameraId);
  }

  public static String gop(String cameraId) {
    return "camera." + cameraId + ".gop";
  }

  public static String jpegWanted(String cameraId) {
    return "camera." + cameraId + ".jpeg.wanted";
  }

  public static String takeover(String cameraId) {
    return "camera." + cameraId + ".takeover";
  }

  /** Request, cluster-wide, to one node's placement: a camera's make-before-break move ({@code ClusterPlacement}). */
  public static String handover(String nodeId) {
    return "node." + nodeId + ".handover";
  }

  public static String ffmpegEvents(String cameraId) {
    return "camera." + cameraId + ".ffmpeg.events";
  }
}
