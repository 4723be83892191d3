package io.visionroi.bus;

import io.vertx.core.json.JsonObject;

/**
 * What a camera's supervisor tells its worker (body of {@code camera.<id>.ffmpeg}). The supervisor numbers
 * the generations, so it knows which frames and events belong to the ffmpeg it asked for; orders that pile
 * up while the worker is busy are merged into the newest.
 *
 * @param action     what to do
 * @param generation for {@link FfmpegAction#START}: the number of the new generation
 * @param askFirst   for {@link FfmpegAction#START} of a camera in trouble: start ffmpeg only if the camera
 *                   answers a cheap question first (a retry of a dead camera then costs no ffmpeg start)
 */
public record FfmpegOrder(FfmpegAction action, long generation, boolean askFirst) {

  public FfmpegOrder(FfmpegAction action, long generation) {
    this(action, generation, false);
  }

  public JsonObject toJson() {
    return new JsonObject().put("action", action.name()).put("generation", generation).put("askFirst", askFirst);
  }

  public static FfmpegOrder fromJson(JsonObject json) {
    return new FfmpegOrder(FfmpegAction.valueOf(json.getString("action")), json.getLong("generation"),
        json.getBoolean("askFirst", false));
  }
}
