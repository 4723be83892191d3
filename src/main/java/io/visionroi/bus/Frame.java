package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;

/**
 * One unit of a camera's stream as read from ffmpeg: a complete JPEG, or a piece of fragmented MP4. Immutable,
 * so local consumers share one instance.
 *
 * @param cameraId   the camera
 * @param worker     the camera worker that read it: a random number per worker, so that the frames of a
 *                   worker that replaced another (a config change, a move to another node) are told from the
 *                   old one's even where generation and seq numbers start over
 * @param generation the ffmpeg generation (start count) that produced it; frames of a killed one are stale
 * @param seq        number within the worker's stream of this kind's format, over all its generations: one
 *                   more than the one before, so a consumer notices a gap
 * @param readAt     epoch milliseconds when the service finished reading it from ffmpeg
 * @param kind       what the bytes are
 * @param data       the bytes: FFD8..FFD9 for a JPEG, ftyp+moov for an init segment, moof+mdat for a fragment
 */
public record Frame(String cameraId, long worker, long generation, long seq, long readAt, Kind kind, Buffer data) {

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

  /** Whether both come from the same ffmpeg: the same generation of the same worker. */
  public boolean sameGeneration(Frame other) {
    return worker == other.worker && generation == other.generation;
  }

  /** Whether this frame comes right after {@code previous} in one worker's stream. */
  public boolean follows(Frame previous) {
    return worker == previous.worker && seq == previous.seq + 1;
  }

  /** Whether this frame was already seen, {@code last} being the newest seen: the same worker, not a later seq. */
  public boolean notAfter(Frame last) {
    return worker == last.worker && seq <= last.seq;
  }

  public long ageMillis(long now) {
    return now - readAt;
  }
}
