package io.visionroi.camera;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits an MJPEG byte stream (concatenated JPEGs, as ffmpeg's {@code -f mjpeg} writes) into complete frames.
 * <p>
 * It walks the JPEG marker segments by their lengths up to each scan (SOS), then scans the entropy-coded
 * data for the next marker. A naive FFD8..FFD9 search would cut a frame at the end of an EXIF thumbnail,
 * which sits inside an APP1 segment and is skipped here as a whole. Garbage before a frame is skipped to
 * the next SOI; a frame larger than the bound is dropped and the reader resynchronises; a frame cut short
 * by the end of the stream is dropped. Memory stays bounded by {@code maxFrameBytes}.
 * <p>
 * Not thread-safe: one reader per stream, run on its own thread.
 */
public final class JpegFrameReader {

  private static final int READ_CHUNK = 64 * 1024;
  /** Reads eight bytes of an array at once, for the scan. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;

  /** Takes each complete frame: {@code bytes[0..length)}, valid only during the call (the buffer is reused). */
  @FunctionalInterface
  public interface FrameSink {
    void frame(byte[] bytes, int length);
  }

  private final int maxFrameBytes;
  private final FrameSink sink;

  private byte[] buf = new byte[READ_CHUNK * 2];
  private int length;
  /** Where parsing of the frame that starts at buf[0] goes on; 0 while no SOI is at buf[0]. */
  private int cursor;
  /** True while cursor is inside entropy-coded data (after an SOS header). */
  private boolean inScan;

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
      if (buf.length - length < READ_CHUNK) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + READ_CHUNK));
      }
      int n = in.read(buf, length, buf.length - length);
      if (n < 0) {
        break;
      }
      length += n;
      extractFrames();
    }
    if (cursor > 0) {
      truncatedFrames++;
    }
    discardedBytes += cursor > 0 ? 0 : length;
    length = 0;
    cursor = 0;
  }

  private void extractFrames() {
    while (true) {
      if (cursor == 0 && !alignOnSoi()) {
        return;
      }
      int end = findFrameEnd();
      if (end > 0) {
        sink.frame(buf, end);
        consume(end);
      } else if (end < 0) {
        resync();
      } else {
        if (length > maxFrameBytes) {
          oversizeFrames++;
          resync();
          continue;
        }
        return;
      }
    }
  }

  /** Drops bytes before the next SOI; true when a frame now starts at buf[0]. */
  private boolean alignOnSoi() {
    // A second EOI right after a frame is no garbage: ffmpeg's RTP/JPEG depacketizer ends every frame so.
    int strayEoi = 0;
    for (int i = 0; i + 1 < length; i++) {
      if ((buf[i] & 0xFF) == 0xFF && (buf[i + 1] & 0xFF) == SOI) {
        discardedBytes += i - strayEoi;
        consume(i);
        cursor = 2;
        inScan = false;
        return true;
      }
      if (i == strayEoi && (buf[i] & 0xFF) == 0xFF && (buf[i + 1] & 0xFF) == EOI) {
        strayEoi += 2;
        i++;
      }
    }
    // Keep a trailing 0xFF: it may be the first half of the next SOI.
    int keep = length > 0 && (buf[length - 1] & 0xFF) == 0xFF ? 1 : 0;
    discardedBytes += Math.max(0, length - keep - strayEoi);
    consume(length - keep);
    return false;
  }

  /**
   * Continues parsing at {@link #cursor}. Returns the frame's length when its EOI was found, 0 when more
   * bytes are needed, -1 when the bytes are not a valid JPEG.
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
      cursor = next;
      inScan = code == SOS;
    }
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

  /** Gives up on the frame at buf[0]: skips its SOI so the search goes on with the next one. */
  private void resync() {
    discardedBytes += 2;
    consume(2);
    cursor = 0;
    inScan = false;
  }

  private void consume(int count) {
    System.arraycopy(buf, count, buf, 0, length - count);
    length -= count;
    cursor = Math.max(0, cursor - count);
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
}
