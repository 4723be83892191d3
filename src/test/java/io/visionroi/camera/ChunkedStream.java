package io.visionroi.camera;

import java.io.InputStream;

/** Hands the data out in reads of the sizes a rule picks, as a pipe does. */
final class ChunkedStream extends InputStream {

  interface ChunkRule {
    int size(byte[] data, int pos, int max);
  }

  private final byte[] data;
  private final ChunkRule rule;
  private int pos;

  ChunkedStream(byte[] data, ChunkRule rule) {
    this.data = data;
    this.rule = rule;
  }

  /** Reads of ever-changing sizes, 1 to 3001 bytes. */
  static ChunkedStream trickle(byte[] data) {
    int[] turn = {0};
    return new ChunkedStream(data, (d, pos, max) -> Math.min(max, 1 + (turn[0]++ * 7919) % 3001));
  }

  @Override
  public int read() {
    return pos < data.length ? data[pos++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (pos >= data.length) {
      return -1;
    }
    int n = Math.min(rule.size(data, pos, len), data.length - pos);
    System.arraycopy(data, pos, b, off, n);
    pos += n;
    return n;
  }
}
