package io.visionroi.mp4;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Reading ISO BMFF (MP4) boxes in a byte array: each box is a 32-bit big-endian size (the header included),
 * a four-letter type, then its body, which for container boxes is more boxes. Everything is bounds-checked:
 * a size that runs past its parent means "not there".
 */
public final class Mp4Boxes {

  /** Header size of a box with a 32-bit size. */
  public static final int HEADER = 8;

  private Mp4Boxes() {
  }

  /**
   * The first child box of {@code type} among the boxes in {@code bytes[from..to)}, as the range of its body
   * ({@code [start, end)}), or null when there is none (or the boxes are malformed).
   */
  public static int[] child(byte[] bytes, int from, int to, String type) {
    int pos = from;
    while (pos + HEADER <= to) {
      long size = u32(bytes, pos);
      if (size < HEADER || pos + size > to) {
        return null;
      }
      if (isType(bytes, pos + 4, type)) {
        return new int[] {pos + HEADER, (int) (pos + size)};
      }
      pos += (int) size;
    }
    return null;
  }

  /** The body of the box at the end of {@code path} (types separated by '/'), from the boxes in {@code bytes[from..to)}. */
  public static int[] path(byte[] bytes, int from, int to, String path) {
    int[] range = {from, to};
    for (String type : path.split("/")) {
      range = child(bytes, range[0], range[1], type);
      if (range == null) {
        return null;
      }
    }
    return range;
  }

  /** Whether {@code segment} is an init segment (it begins with {@code ftyp}), not a fragment ({@code moof}). */
  public static boolean isInitSegment(Buffer segment) {
    return segment.length() >= HEADER && segment.getByte(4) == 'f' && segment.getByte(5) == 't'
        && segment.getByte(6) == 'y' && segment.getByte(7) == 'p';
  }

  public static boolean isType(byte[] bytes, int at, String type) {
    return type(bytes, at).equals(type);
  }

  public static String type(byte[] bytes, int at) {
    return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
  }

  public static long u32(byte[] bytes, int at) {
    return ((bytes[at] & 0xFFL) << 24) | ((bytes[at + 1] & 0xFFL) << 16) | ((bytes[at + 2] & 0xFFL) << 8)
        | (bytes[at + 3] & 0xFFL);
  }
}
