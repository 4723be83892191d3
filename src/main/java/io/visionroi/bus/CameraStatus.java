package io.visionroi.bus;

import io.visionroi.config.CameraConfig;
import io.vertx.core.json.JsonObject;

/**
 * A camera's status as the API answers it and viewers receive it (README, "HTTP and WebSocket API"). Passwords in the URL are
 * already masked.
 *
 * @param node           the node running the camera, null when none does
 * @param reason         why it is in its state (outage, failed, stopped), or null
 * @param lastFrameAgeMs null before the first frame
 * @param pid            ffmpeg's pid (== its process group) while one runs, else null
 * @param codec          the source's video codec as ffmpeg names it ({@code h264}, {@code mjpeg}, ...), null
 *                       until ffmpeg has opened the source once
 * @param output         what the running generation sends viewers ({@link StreamFormat}), null while none runs
 * @param mime           the MIME type of that stream, with its codec string for MP4 once the init segment
 *                       was read ({@code video/mp4; codecs="avc1.640028"}), else null
 * @param retryInMs      for a failed camera: how long until the service tries it again (its viewers need not
 *                       come back sooner), 0 while a try runs; else null
 * @param replay         for an MP4 camera: {@code group} (a new viewer starts at once with the current group of
 *                       pictures) or {@code keyframe} (its groups outgrow its part of the node's video budget: a
 *                       new viewer waits for the next keyframe); else null
 */
public record CameraStatus(String id, String name, String node, CameraState state, String reason, double fps,
    Long lastFrameAgeMs, long frames, long restarts, Long pid, long generation, String lastError, String url,
    String codec, StreamFormat output, String mime, Long retryInMs, String replay) {

  /** A camera that no node runs. */
  public static CameraStatus notRunning(CameraConfig camera, String reason) {
    return new CameraStatus(camera.id(), camera.name(), null, CameraState.STOPPED, reason, 0, null, 0, 0, null, 0,
        null, camera.maskedUrl(), null, null, null, null, null);
  }

  /** What a node cut off from its cluster or rejoining it says of a camera it cannot ask about. */
  public static CameraStatus unknown(CameraConfig camera, String reason) {
    return new CameraStatus(camera.id(), camera.name(), null, CameraState.UNKNOWN, reason, 0, null, 0, 0, null, 0,
        null, camera.maskedUrl(), null, null, null, null, null);
  }

  /** What a node cut off from the cluster tells its own viewers: no picture from here for now (1013). */
  public static CameraStatus cutOff(CameraConfig camera, String reason) {
    return new CameraStatus(camera.id(), camera.name(), null, CameraState.OUTAGE, reason, 0, null, 0, 0, null, 0,
        null, camera.maskedUrl(), null, null, null, null, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("node", node)
        .put("state", state.wireName())
        .put("reason", reason)
        .put("fps", fps)
        .put("lastFrameAgeMs", lastFrameAgeMs)
        .put("frames", frames)
        .put("restarts", restarts)
        .put("pid", pid)
        .put("generation", generation)
        .put("lastError", lastError)
        .put("url", url)
        .put("codec", codec)
        .put("output", output == null ? null : output.wireName())
        .put("mime", mime)
        .put("retryInMs", retryInMs)
        .put("replay", replay);
  }
}
