package io.visionroi.camera;

import io.visionroi.mp4.Mp4Boxes;
import io.visionroi.mp4.Mp4Fragment;
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
    Mp4Fragment.Sample first = Mp4Fragment.parse(bytes, from, to, Mp4Fragment.Defaults.NONE).first();
    return first != null && first.sync();
  }

  /** Why reading stopped before the end of the stream, or null. */
  String problem() {
    return problem;
  }
}
