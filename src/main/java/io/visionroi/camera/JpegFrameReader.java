package io.visionroi.camera;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits an MJPEG byte stream (concatenated JPEGs, as ffmpeg's {@code -f mjpeg} writes) into complete frames.
 * <p>
 * It walks the JPEG marker segments by their lengths up to each scan (SOS), then scans the entropy-coded
 * data for the next marker. A naive FFD8..FFD9 search would cut a frame at the end of an EXIF thumbnail,
 * which sits inside an APP1 segment and is skipped here as a whole. A frame counts only with a frame
 * header (SOF) and a scan (SOS) inside: {@code FFD8FFD9} is no picture. Garbage before a frame is skipped
 * to the next SOI; a frame larger than the bound is dropped, the reader resynchronises and its buffer
 * shrinks back; a frame cut short by the end of the stream is dropped. Every input byte is looked at a
 * bounded number of times (no rescans, no shifting of the buffer per skipped byte), and memory stays
 * bounded by {@code maxFrameBytes}.
 * <p>
 * Not thread-safe: one reader per stream, run on its own thread.
 */
public final class JpegFrameReader {

  private static final int READ_CHUNK = 64 * 1024;
  private static final int INITIAL_BUFFER = READ_CHUNK * 2;
  /** Reads eight bytes of an array at once, for the scan. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;

  /** Takes each complete frame: {@code bytes[offset..offset+length)}, valid only during the call (reused). */
  @FunctionalInterface
  public interface FrameSink {
    void frame(byte[] bytes, int offset, int length);
  }

  private final int maxFrameBytes;
  private final FrameSink sink;

  private byte[] buf = new byte[INITIAL_BUFFER];
  /** buf[start..length) is not consumed yet; a frame being parsed starts at buf[start]. */
  private int start;
  private int length;
  /** Where parsing of the frame at buf[start] goes on; -1 while no SOI is at buf[start]. */
  private int cursor = -1;
  /** True while cursor is inside entropy-coded data (after an SOS header). */
  private boolean inScan;
  private boolean sawFrameHeader;
  private boolean sawScan;
  /** Set by an oversize frame: the buffer goes back to its usual size once that frame is gone. */
  private boolean shrinkWanted;

  private long discardedBytes;
  private long oversizeFrames;
  private long truncatedFrames;

  public JpegFrameReader(int maxFrameBytes, FrameSink sink) {
    this.maxFrameBytes = maxFrameBytes;
    this.sink = sink;
  }

  /** Reads until the end of the stream, handing each complete frame to the sink. */
  public void readAll(InputStream in) throws IOException {
    while (true) {
      makeRoom();
      int n = in.read(buf, length, buf.length - length);
      if (n < 0) {
        break;
      }
      length += n;
      extractFrames();
    }
    if (cursor >= 0) {
      truncatedFrames++;
    }
    start = 0;
    length = 0;
    cursor = -1;
  }

  /** Moves what is left to the front (once per read, not per frame), then grows or shrinks the buffer. */
  private void makeRoom() {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, length - start);
      length -= start;
      cursor = cursor < 0 ? -1 : cursor - start;
      start = 0;
    }
    if (shrinkWanted && length < INITIAL_BUFFER / 2) {
      buf = Arrays.copyOf(buf, INITIAL_BUFFER);
      shrinkWanted = false;
    }
    if (buf.length - length < READ_CHUNK) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + READ_CHUNK));
    }
  }

  private void extractFrames() {
    while (true) {
      if (cursor < 0 && !alignOnSoi()) {
        return;
      }
      int end = findFrameEnd();
      if (end > 0) {
        if (sawFrameHeader && sawScan) {
          sink.frame(buf, start, end - start);
        } else {
          discardedBytes += end - start; // markers without a picture
        }
        start = end;
        cursor = -1;
      } else if (end < 0) {
        resync();
      } else {
        if (length - start > maxFrameBytes) {
          oversizeFrames++;
          shrinkWanted = true;
          resync();
          continue;
        }
        return;
      }
    }
  }

  /** Drops bytes before the next SOI; true when a frame now starts at buf[start]. */
  private boolean alignOnSoi() {
    // A second EOI right after a frame is no garbage: ffmpeg's RTP/JPEG depacketizer ends every frame so.
    int strayEoi = 0;
    for (int i = start; i + 1 < length; i++) {
      if ((buf[i] & 0xFF) == 0xFF && (buf[i + 1] & 0xFF) == SOI) {
        discardedBytes += i - start - strayEoi;
        start = i;
        cursor = i + 2;
        inScan = false;
        sawFrameHeader = false;
        sawScan = false;
        return true;
      }
      if (i == start + strayEoi && (buf[i] & 0xFF) == 0xFF && (buf[i + 1] & 0xFF) == EOI) {
        strayEoi += 2;
        i++;
      }
    }
    // Keep a trailing 0xFF: it may be the first half of the next SOI.
    int keep = length > start && (buf[length - 1] & 0xFF) == 0xFF ? 1 : 0;
    discardedBytes += Math.max(0, length - keep - start - strayEoi);
    start = length - keep;
    return false;
  }

  /**
   * Continues parsing at {@link #cursor}. Returns the index just past the frame's EOI when it was found, 0
   * when more bytes are needed, -1 when the bytes are not a valid JPEG.
   */
  private int findFrameEnd() {
    while (true) {
      if (inScan) {
        int marker = nextMarkerInScan();
        if (marker < 0) {
          return 0;
        }
        cursor = marker;
        inScan = false;
      }
      if (cursor + 1 >= length) {
        return 0;
      }
      if ((buf[cursor] & 0xFF) != 0xFF) {
        return -1;
      }
      int code = buf[cursor + 1] & 0xFF;
      if (code == 0xFF) {
        cursor++; // fill byte before a marker
        continue;
      }
      if (code == EOI) {
        return cursor + 2;
      }
      if (code == SOI) {
        return -1; // a new frame began before this one ended
      }
      if ((code >= 0xD0 && code <= 0xD7) || code == 0x01) {
        cursor += 2; // markers without a length
        continue;
      }
      if (cursor + 3 >= length) {
        return 0;
      }
      int segmentLength = ((buf[cursor + 2] & 0xFF) << 8) | (buf[cursor + 3] & 0xFF);
      if (segmentLength < 2) {
        return -1;
      }
      int next = cursor + 2 + segmentLength;
      if (next > length) {
        return 0;
      }
      sawFrameHeader |= isFrameHeader(code);
      sawScan |= code == SOS;
      cursor = next;
      inScan = code == SOS;
    }
  }

  /** SOF0..SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
  private static boolean isFrameHeader(int code) {
    return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
  }

  /** Index of the next marker after entropy-coded data from {@link #cursor}, or -1 when not yet read. */
  private int nextMarkerInScan() {
    byte[] b = buf;
    int end = length;
    int i = cursor;
    while (i + 1 < end) {
      // Most of a frame is entropy-coded data with few 0xFF bytes: skip eight bytes at a time while none is.
      if (i + Long.BYTES < end && !hasFfByte((long) LONGS.get(b, i))) {
        i += Long.BYTES;
        continue;
      }
      if ((b[i] & 0xFF) == 0xFF) {
        int code = b[i + 1] & 0xFF;
        // FF00 is a stuffed data byte, FFD0..FFD7 restart markers, FFFF fill: all part of the scan.
        if (code != 0x00 && (code < 0xD0 || code > 0xD7) && code != 0xFF) {
          return i;
        }
      }
      i++;
    }
    cursor = Math.max(cursor, end - 1);
    return -1;
  }

  /** Whether any of the eight bytes is 0xFF (a zero byte of the complement, the classic bit trick). */
  private static boolean hasFfByte(long eightBytes) {
    long inverted = ~eightBytes;
    return ((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) != 0;
  }

  /** Gives up on the frame at buf[start]: skips its SOI so the search goes on with the next one. */
  private void resync() {
    discardedBytes += 2;
    start += 2;
    cursor = -1;
    inScan = false;
  }

  public long discardedBytes() {
    return discardedBytes;
  }

  public long oversizeFrames() {
    return oversizeFrames;
  }

  public long truncatedFrames() {
    return truncatedFrames;
  }

  /** The buffer's size now, for the test that it shrinks back after an oversize frame. */
  int bufferSize() {
    return buf.length;
  }
}
