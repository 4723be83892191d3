package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;

/**
 * One unit of a camera's stream as read from ffmpeg: a complete JPEG, or a piece of fragmented MP4. Immutable,
 * so local consumers share one instance.
 *
 * @param cameraId   the camera
 * @param generation the ffmpeg generation (start count) that produced it; frames of a killed one are stale
 * @param seq        number within the camera's stream of this kind's format, over all generations: one more
 *                   than the one before, so a consumer notices a gap
 * @param readAt     epoch milliseconds when the service finished reading it from ffmpeg
 * @param kind       what the bytes are
 * @param data       the bytes: FFD8..FFD9 for a JPEG, ftyp+moov for an init segment, moof+mdat for a fragment
 */
public record Frame(String cameraId, long generation, long seq, long readAt, Kind kind, Buffer data) {

  public enum Kind {
    JPEG(StreamFormat.JPEG),
    /** An MP4 init segment (ftyp and moov): once per generation, before its fragments. */
    MP4_INIT(StreamFormat.MP4),
    /** An MP4 fragment (moof and mdat) that begins with a keyframe: a viewer may start here. */
    MP4_KEY(StreamFormat.MP4),
    /** An MP4 fragment that needs the ones before it, back to the last keyframe. */
    MP4_DELTA(StreamFormat.MP4);

    private final StreamFormat format;

    Kind(StreamFormat format) {
      this.format = format;
    }

    public StreamFormat format() {
      return format;
    }

    /** A picture, rather than the init segment that only describes the pictures to come. */
    public boolean isPicture() {
      return this != MP4_INIT;
    }
  }

  public long ageMillis(long now) {
    return now - readAt;
  }
}
