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
 * @param error      for {@link Kind#EXITED} and {@link Kind#SPAWN_FAILED}: the masked reason, else null
 * @param stderrTail for {@link Kind#EXITED}: ffmpeg's last few stderr lines, masked (may be empty)
 */
public record FfmpegEvent(Kind kind, long generation, long pid, String error, List<String> stderrTail) {

  public FfmpegEvent {
    stderrTail = List.copyOf(stderrTail);
  }

  public enum Kind { STARTED, EXITED, SPAWN_FAILED }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.name()).put("generation", generation).put("pid", pid).put("error", error)
        .put("stderrTail", new JsonArray(stderrTail));
  }

  public static FfmpegEvent fromJson(JsonObject json) {
    return new FfmpegEvent(Kind.valueOf(json.getString("kind")), json.getLong("generation"), json.getLong("pid"),
        json.getString("error"), json.getJsonArray("stderrTail").stream().map(String::valueOf).toList());
  }
}
