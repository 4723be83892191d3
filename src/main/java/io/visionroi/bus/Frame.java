package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;

/**
 * One complete JPEG as read from a camera's ffmpeg. Immutable, so local consumers share one instance.
 *
 * @param cameraId   the camera
 * @param generation the ffmpeg generation (start count) that produced it; frames of a killed one are stale
 * @param seq        frame number within the camera, over all generations
 * @param readAt     epoch milliseconds when the service finished reading it from ffmpeg
 * @param jpeg       the bytes, FFD8..FFD9
 */
public record Frame(String cameraId, long generation, long seq, long readAt, Buffer jpeg) {

  public long ageMillis(long now) {
    return now - readAt;
  }
}
