package io.visionroi.camera;

import io.visionroi.bus.Frame;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits the fragmented MP4 that ffmpeg writes ({@code -movflags empty_moov+default_base_moof+frag_every_frame})
 * into what viewers take one message at a time: the init segment (ftyp and moov together), then each fragment
 * (moof and its mdat together), told keyframe or not by its first sample's flags. Other boxes are skipped.
 * A box larger than the bound, or a header that is no box, ends the reading with a {@link #problem()}: ffmpeg
 * wrote something else than it was asked to, and the watchdog replaces a generation that gives nothing.
 * <p>
 * Not thread-safe: one reader per stream, run on its own thread.
 */
final class Mp4FragmentReader {

  /** Takes each segment: {@code bytes[offset..offset+length)}, valid only during the call (reused). */
  @FunctionalInterface
  interface SegmentSink {
    void segment(Frame.Kind kind, byte[] bytes, int offset, int length);
  }

  /** A sample that is not a sync sample (ISO 14496-12, 8.8.3.1, sample_is_non_sync_sample). */
  private static final int NON_SYNC = 0x0001_0000;
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

  private final int maxBytes;
  private final SegmentSink sink;
  private byte[] buf = new byte[64 * 1024];
  /** buf[0..length) is the segment being put together: an ftyp waiting for its moov, or a moof for its mdat. */
  private int length;
  private boolean afterFtyp;
  private boolean afterMoof;
  private boolean keyframe;
  private String problem;

  Mp4FragmentReader(int maxBytes, SegmentSink sink) {
    this.maxBytes = maxBytes;
    this.sink = sink;
  }

  /** Reads until the end of the stream (or a malformed box), handing each segment to the sink. */
  void readAll(InputStream in) throws IOException {
    try {
      readBoxes(in);
    } catch (EOFException e) {
      // the stream ended within a box that is skipped anyway
    }
  }

  private void readBoxes(InputStream in) throws IOException {
    byte[] header = new byte[Mp4Boxes.HEADER];
    while (in.readNBytes(header, 0, Mp4Boxes.HEADER) == Mp4Boxes.HEADER) {
      long size = Mp4Boxes.u32(header, 0);
      String type = Mp4Boxes.type(header, 4);
      if (size < Mp4Boxes.HEADER || size > maxBytes || !type.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
        problem = "not an MP4 box: size " + size + ", type '" + type.replaceAll("[^ -~]", "?") + "'";
        return;
      }
      int body = (int) size - Mp4Boxes.HEADER;
      switch (type) {
        case "ftyp", "moof" -> {
          afterFtyp = type.equals("ftyp");
          afterMoof = !afterFtyp;
          length = 0;
          if (!readBox(in, header, body)) {
            return;
          }
          keyframe = afterMoof && startsWithKeyframe(buf, Mp4Boxes.HEADER, length);
        }
        case "moov", "mdat" -> {
          boolean completes = type.equals("moov") ? afterFtyp : afterMoof;
          if (!completes) {
            length = 0; // a moov without its ftyp is whole by itself; an mdat without its moof is no fragment
          }
          if (length + size > maxBytes) {
            problem = "a segment larger than " + maxBytes + " bytes";
            return;
          }
          if (type.equals("mdat") && !completes) {
            in.skipNBytes(body);
            continue;
          }
          if (!readBox(in, header, body)) {
            return;
          }
          sink.segment(type.equals("moov") ? Frame.Kind.MP4_INIT : keyframe ? Frame.Kind.MP4_KEY : Frame.Kind.MP4_DELTA,
              buf, 0, length);
          length = 0;
          afterFtyp = false;
          afterMoof = false;
        }
        default -> in.skipNBytes(body);
      }
    }
  }

  /** Appends the box to the segment; false when the stream ended within it. */
  private boolean readBox(InputStream in, byte[] header, int body) throws IOException {
    int needed = length + Mp4Boxes.HEADER + body;
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
    System.arraycopy(header, 0, buf, length, Mp4Boxes.HEADER);
    int read = in.readNBytes(buf, length + Mp4Boxes.HEADER, body);
    length = needed;
    return read == body;
  }

  /** Whether the first sample of the moof in {@code bytes[from..to)} (its body) is a sync sample. */
  static boolean startsWithKeyframe(byte[] bytes, int from, int to) {
    int[] traf = Mp4Boxes.child(bytes, from, to, "traf");
    int[] tfhd = traf == null ? null : Mp4Boxes.child(bytes, traf[0], traf[1], "tfhd");
    int[] trun = traf == null ? null : Mp4Boxes.child(bytes, traf[0], traf[1], "trun");
    if (tfhd == null || trun == null || trun[1] - trun[0] < 8) {
      return false;
    }
    Long flags = firstSampleFlags(bytes, trun);
    if (flags == null) {
      flags = defaultSampleFlags(bytes, tfhd);
    }
    return flags != null && (flags & NON_SYNC) == 0;
  }

  private static Long firstSampleFlags(byte[] bytes, int[] trun) {
    int trunFlags = (int) Mp4Boxes.u32(bytes, trun[0]) & 0xFFFFFF;
    int at = trun[0] + 8 + ((trunFlags & TRUN_DATA_OFFSET) != 0 ? 4 : 0);
    if ((trunFlags & TRUN_FIRST_FLAGS) != 0) {
      return at + 4 <= trun[1] ? Mp4Boxes.u32(bytes, at) : null;
    }
    if ((trunFlags & TRUN_FLAGS) != 0) {
      at += ((trunFlags & TRUN_DURATION) != 0 ? 4 : 0) + ((trunFlags & TRUN_SIZE) != 0 ? 4 : 0);
      return at + 4 <= trun[1] ? Mp4Boxes.u32(bytes, at) : null;
    }
    return null;
  }

  private static Long defaultSampleFlags(byte[] bytes, int[] tfhd) {
    int tfhdFlags = (int) Mp4Boxes.u32(bytes, tfhd[0]) & 0xFFFFFF;
    if ((tfhdFlags & TFHD_DEFAULT_FLAGS) == 0) {
      return null;
    }
    int at = tfhd[0] + 8 + ((tfhdFlags & TFHD_BASE_DATA_OFFSET) != 0 ? 8 : 0)
        + ((tfhdFlags & TFHD_SAMPLE_DESCRIPTION_INDEX) != 0 ? 4 : 0)
        + ((tfhdFlags & TFHD_DEFAULT_DURATION) != 0 ? 4 : 0) + ((tfhdFlags & TFHD_DEFAULT_SIZE) != 0 ? 4 : 0);
    return at + 4 <= tfhd[1] ? Mp4Boxes.u32(bytes, at) : null;
  }

  /** Why reading stopped before the end of the stream, or null. */
  String problem() {
    return problem;
  }
}
