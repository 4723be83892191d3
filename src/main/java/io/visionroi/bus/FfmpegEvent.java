package io.visionroi.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a camera's worker tells its supervisor about ffmpeg (body of {@code camera.<id>.ffmpeg.events}).
 * Exits of a generation the worker killed itself are not reported.
 *
 * @param kind       what happened
 * @param generation the generation it happened to
 * @param pid        its pid (== its process group), or -1
 * @param detail     for {@link Kind#EXITED}, {@link Kind#SPAWN_FAILED} and {@link Kind#UNSUITABLE}: the masked
 *                   reason; for {@link Kind#SOURCE} and {@link Kind#OUTDATED}: the source's video codec; for
 *                   {@link Kind#STARTED}: the generation's {@link StreamFormat} wire name; for {@link Kind#MEDIA}:
 *                   the stream's MIME type with its codec string; for {@link Kind#REPLAY}: {@link #REPLAY_GROUP}
 *                   or {@link #REPLAY_KEYFRAME}
 * @param stderrTail for {@link Kind#EXITED}: ffmpeg's last few stderr lines, masked (may be empty)
 */
public record FfmpegEvent(Kind kind, long generation, long pid, String detail, List<String> stderrTail) {

  public FfmpegEvent {
    stderrTail = List.copyOf(stderrTail);
  }

  public enum Kind {
    STARTED,
    /** The generation's first picture: the rest are counted on the camera's {@link FrameClock}. */
    PICTURE,
    /** The generation's MP4 init segment was read: its MIME type is known. */
    MEDIA,
    /** ffmpeg named the source's video codec, and the generation's command suits it. */
    SOURCE,
    /** ffmpeg named the source's video codec, and a better command is known now (copy MJPEG): replace it. */
    OUTDATED,
    EXITED,
    SPAWN_FAILED,
    /** The source cannot give what the config asks (MP4 output from a codec browsers cannot play): killed. */
    UNSUITABLE,
    /** Whether the camera's groups of pictures fit the node's video budget changed. */
    REPLAY
  }

  /** New MP4 viewers start at once with the current group. */
  public static final String REPLAY_GROUP = "group";
  /** The camera's groups outgrow its part of the node's video budget: new MP4 viewers start at the next keyframe. */
  public static final String REPLAY_KEYFRAME = "keyframe";

  public static FfmpegEvent of(Kind kind, long generation, long pid, String detail) {
    return new FfmpegEvent(kind, generation, pid, detail, List.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.name()).put("generation", generation).put("pid", pid).put("detail", detail)
        .put("stderrTail", new JsonArray(stderrTail));
  }

  public static FfmpegEvent fromJson(JsonObject json) {
    return new FfmpegEvent(Kind.valueOf(json.getString("kind")), json.getLong("generation"), json.getLong("pid"),
        json.getString("detail"), json.getJsonArray("stderrTail").stream().map(String::valueOf).toList());
  }
}
