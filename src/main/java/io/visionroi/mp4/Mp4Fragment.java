package io.visionroi.mp4;

import java.util.ArrayList;
import java.util.List;

/**
 * What a fragment's {@code moof} says of its samples (ISO 14496-12, 8.8): each one's decode time, composition
 * offset, where its bytes are (counted from the moof's first byte: ffmpeg writes {@code default_base_moof}) and
 * whether it is a sync sample (a keyframe). Defaults missing from the fragment come from the init segment's
 * {@code trex} when given.
 *
 * @param samples in decode order; empty when the moof is malformed
 */
public record Mp4Fragment(List<Sample> samples) {

  /**
   * @param decodeTime        in the track's timescale
   * @param compositionOffset presentation time minus decode time, in the track's timescale
   * @param dataOffset        the sample's first byte, counted from the moof's first byte
   * @param sync              a keyframe; false when the flags say nothing
   */
  public record Sample(long decodeTime, long compositionOffset, int dataOffset, int size, boolean sync) {

    public long presentationTime() {
      return decodeTime + compositionOffset;
    }
  }

  /** A sample that is not a sync sample (8.8.3.1, sample_is_non_sync_sample). */
  private static final long NON_SYNC = 0x0001_0000;
  private static final int TFHD_BASE_DATA_OFFSET = 0x01;
  private static final int TFHD_SAMPLE_DESCRIPTION_INDEX = 0x02;
  private static final int TFHD_DEFAULT_DURATION = 0x08;
  private static final int TFHD_DEFAULT_SIZE = 0x10;
  private static final int TFHD_DEFAULT_FLAGS = 0x20;
  private static final int TRUN_DATA_OFFSET = 0x01;
  private static final int TRUN_FIRST_FLAGS = 0x04;
  private static final int TRUN_DURATION = 0x100;
  private static final int TRUN_SIZE = 0x200;
  private static final int TRUN_FLAGS = 0x400;
  private static final int TRUN_COMPOSITION_OFFSET = 0x800;
  /** More samples than any fragment ffmpeg writes for live video; a count beyond is a malformed box. */
  private static final long MAX_SAMPLES = 10_000;

  /** The sample defaults of a track's {@code trex}, used where a fragment gives none; null fields: not given. */
  public record Defaults(Long duration, Long size, Long flags) {
    public static final Defaults NONE = new Defaults(null, null, null);
  }

  /** The first sample, or null when there is none. */
  public Sample first() {
    return samples.isEmpty() ? null : samples.get(0);
  }

  /**
   * Reads the moof whose body is {@code bytes[from..to)} (its header is the 8 bytes before {@code from}); only
   * the first track fragment counts (ffmpeg writes one track).
   */
  public static Mp4Fragment parse(byte[] bytes, int from, int to, Defaults defaults) {
    int moofStart = from - Mp4Boxes.HEADER;
    int[] traf = Mp4Boxes.child(bytes, from, to, "traf");
    int[] tfhd = traf == null ? null : Mp4Boxes.child(bytes, traf[0], traf[1], "tfhd");
    int[] trun = traf == null ? null : Mp4Boxes.child(bytes, traf[0], traf[1], "trun");
    if (tfhd == null || trun == null || tfhd[1] - tfhd[0] < 8 || trun[1] - trun[0] < 8) {
      return new Mp4Fragment(List.of());
    }
    int tfhdFlags = (int) Mp4Boxes.u32(bytes, tfhd[0]) & 0xFFFFFF;
    int at = tfhd[0] + 8 + ((tfhdFlags & TFHD_BASE_DATA_OFFSET) != 0 ? 8 : 0)
        + ((tfhdFlags & TFHD_SAMPLE_DESCRIPTION_INDEX) != 0 ? 4 : 0);
    Long duration = defaults.duration();
    Long size = defaults.size();
    Long flags = defaults.flags();
    if ((tfhdFlags & TFHD_DEFAULT_DURATION) != 0) {
      duration = at + 4 <= tfhd[1] ? Mp4Boxes.u32(bytes, at) : null;
      at += 4;
    }
    if ((tfhdFlags & TFHD_DEFAULT_SIZE) != 0) {
      size = at + 4 <= tfhd[1] ? Mp4Boxes.u32(bytes, at) : null;
      at += 4;
    }
    if ((tfhdFlags & TFHD_DEFAULT_FLAGS) != 0) {
      flags = at + 4 <= tfhd[1] ? Mp4Boxes.u32(bytes, at) : null;
    }
    return new Mp4Fragment(samples(bytes, trun, moofStart, baseDecodeTime(bytes, traf), duration, size, flags));
  }

  private static long baseDecodeTime(byte[] bytes, int[] traf) {
    int[] tfdt = Mp4Boxes.child(bytes, traf[0], traf[1], "tfdt");
    if (tfdt == null || tfdt[1] - tfdt[0] < 8) {
      return 0;
    }
    boolean wide = bytes[tfdt[0]] == 1;
    if (!wide) {
      return Mp4Boxes.u32(bytes, tfdt[0] + 4);
    }
    return tfdt[1] - tfdt[0] < 12 ? 0 : (Mp4Boxes.u32(bytes, tfdt[0] + 4) << 32) | Mp4Boxes.u32(bytes, tfdt[0] + 8);
  }

  private static List<Sample> samples(byte[] bytes, int[] trun, int moofStart, long time, Long defaultDuration,
      Long defaultSize, Long defaultFlags) {
    boolean signedOffsets = bytes[trun[0]] != 0;
    int flags = (int) Mp4Boxes.u32(bytes, trun[0]) & 0xFFFFFF;
    long count = Mp4Boxes.u32(bytes, trun[0] + 4);
    int at = trun[0] + 8;
    long dataOffset = 0;
    if ((flags & TRUN_DATA_OFFSET) != 0) {
      if (at + 4 > trun[1]) {
        return List.of();
      }
      dataOffset = (int) Mp4Boxes.u32(bytes, at);
      at += 4;
    }
    Long firstFlags = null;
    if ((flags & TRUN_FIRST_FLAGS) != 0) {
      if (at + 4 > trun[1]) {
        return List.of();
      }
      firstFlags = Mp4Boxes.u32(bytes, at);
      at += 4;
    }
    int fields = Integer.bitCount(flags & (TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | TRUN_COMPOSITION_OFFSET));
    if (count > MAX_SAMPLES || at + count * fields * 4 > trun[1]) {
      return List.of();
    }
    List<Sample> samples = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      Long duration = defaultDuration;
      Long size = defaultSize;
      Long sampleFlags = i == 0 && firstFlags != null ? firstFlags : defaultFlags;
      long composition = 0;
      if ((flags & TRUN_DURATION) != 0) {
        duration = Mp4Boxes.u32(bytes, at);
        at += 4;
      }
      if ((flags & TRUN_SIZE) != 0) {
        size = Mp4Boxes.u32(bytes, at);
        at += 4;
      }
      if ((flags & TRUN_FLAGS) != 0) {
        long given = Mp4Boxes.u32(bytes, at);
        sampleFlags = i == 0 && firstFlags != null ? firstFlags : given;
        at += 4;
      }
      if ((flags & TRUN_COMPOSITION_OFFSET) != 0) {
        long raw = Mp4Boxes.u32(bytes, at);
        composition = signedOffsets ? (int) raw : raw;
        at += 4;
      }
      if (size == null || dataOffset + size > Integer.MAX_VALUE) {
        return List.of();
      }
      samples.add(new Sample(time, composition, (int) (moofStart + dataOffset), (int) (long) size,
          sampleFlags != null && (sampleFlags & NON_SYNC) == 0));
      dataOffset += size;
      time += duration == null ? 0 : duration;
    }
    return samples;
  }
}
