package io.visionroi.camera;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame splitter on real ffmpeg JPEGs and on crafted byte streams. */
class JpegFrameReaderTest {

  /** Three real JPEGs from ffmpeg's encoder, made once. */
  private static List<byte[]> realFrames() throws Exception {
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
        "testsrc2=size=160x120:rate=10", "-frames:v", "3", "-c:v", "mjpeg", "-f", "mjpeg", "pipe:1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<byte[]> frames = new ArrayList<>();
    JpegFrameReader reader = new JpegFrameReader(1 << 20, (b, off, n) -> frames.add(Arrays.copyOfRange(b, off, off + n)));
    reader.readAll(p.getInputStream());
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(3, frames.size(), "ffmpeg wrote 3 frames");
    return frames;
  }

  private static List<byte[]> read(byte[] stream, int maxFrame, JpegFrameReader[] out) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    JpegFrameReader reader = new JpegFrameReader(maxFrame, (b, off, n) -> frames.add(Arrays.copyOfRange(b, off, off + n)));
    reader.readAll(ChunkedStream.trickle(stream));
    out[0] = reader;
    return frames;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static void assertJpeg(byte[] frame) {
    assertEquals((byte) 0xFF, frame[0]);
    assertEquals((byte) 0xD8, frame[1]);
    assertEquals((byte) 0xFF, frame[frame.length - 2]);
    assertEquals((byte) 0xD9, frame[frame.length - 1]);
  }

  @Test
  void splitsRealFramesExactly() throws Exception {
    List<byte[]> real = realFrames();
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(real.get(0), real.get(1), real.get(2)), 1 << 20, reader);
    assertEquals(3, frames.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(real.get(i), frames.get(i));
    }
    assertEquals(0, reader[0].discardedBytes());
  }

  @Test
  void aSecondEoiAfterEachFrameIsNoGarbage() throws Exception {
    List<byte[]> real = realFrames();
    byte[] eoi = {(byte) 0xFF, (byte) 0xD9};
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(real.get(0), eoi, real.get(1), eoi, real.get(2), eoi), 1 << 20, reader);
    assertEquals(3, frames.size());
    assertArrayEquals(real.get(1), frames.get(1));
    assertEquals(0, reader[0].discardedBytes(), "as ffmpeg's RTP/JPEG copy writes it");
    assertEquals(0, reader[0].truncatedFrames());
  }

  @Test
  void markersWithoutAPictureAreNoFrame() throws Exception {
    byte[] empty = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (int i = 0; i < 1000; i++) {
      stream.writeBytes(empty);
    }
    List<byte[]> real = realFrames();
    stream.writeBytes(real.get(0));
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(stream.toByteArray(), 1 << 20, reader);
    assertEquals(1, frames.size(), "FFD8FFD9 has no frame header and no scan: not live video");
    assertArrayEquals(real.get(0), frames.get(0));
    assertEquals(4000, reader[0].discardedBytes());
  }

  @Test
  void workIsLinearInTheInputEvenOnRepeatedStartMarkers() throws Exception {
    byte[] soiFlood = new byte[8 * 1024 * 1024];
    for (int i = 0; i < soiFlood.length; i += 2) {
      soiFlood[i] = (byte) 0xFF;
      soiFlood[i + 1] = (byte) 0xD8;
    }
    List<byte[]> frames = new ArrayList<>();
    JpegFrameReader reader = new JpegFrameReader(1 << 20, (b, off, n) -> frames.add(Arrays.copyOfRange(b, off, off + n)));
    long begin = System.nanoTime();
    reader.readAll(new ByteArrayInputStream(soiFlood));
    long millis = (System.nanoTime() - begin) / 1_000_000;
    assertEquals(0, frames.size());
    assertEquals(soiFlood.length - 2, reader.discardedBytes(), "all but the last SOI, a frame the end cut short");
    // Linear: a few tens of ms on a busy machine; the quadratic scan this replaces took over half a minute.
    assertTrue(millis < 5000, "8 MB of FFD8 took " + millis + " ms");
  }

  @Test
  void theBufferShrinksBackAfterAnOversizeFrame() throws Exception {
    List<byte[]> real = realFrames();
    ByteArrayOutputStream big = new ByteArrayOutputStream();
    big.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
    for (int i = 0; i < 100; i++) { // 100 comment segments of 60 KB: a 6 MB frame
      big.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xEA, (byte) 0x60});
      big.writeBytes(new byte[0xEA60 - 2]);
    }
    List<byte[]> frames = new ArrayList<>();
    JpegFrameReader reader = new JpegFrameReader(1 << 20, (b, off, n) -> frames.add(Arrays.copyOfRange(b, off, off + n)));
    byte[] stream = concat(big.toByteArray(), real.get(0), real.get(1), real.get(2));
    reader.readAll(new ChunkedStream(stream, (data, pos, max) -> Math.min(max, 16 * 1024)));
    assertEquals(1, reader.oversizeFrames());
    assertEquals(3, frames.size());
    assertTrue(reader.bufferSize() <= 256 * 1024, "back to its usual size: " + reader.bufferSize());
  }

  @Test
  void findsEveryMarkerWhateverTheReadBoundaries() throws Exception {
    // Garbage of marker-like bytes first: once skipped, it lingers in the reader's buffer past the data
    // read so far, where a scan that looked one byte too far would take it for a marker.
    byte[] garbage = new byte[8192];
    Arrays.fill(garbage, (byte) 0xC4);
    List<byte[]> real = realFrames();
    byte[] stream = concat(garbage, real.get(0), real.get(1), real.get(2));
    List<byte[]> frames = new ArrayList<>();
    JpegFrameReader reader = new JpegFrameReader(1 << 20, (b, off, n) -> frames.add(Arrays.copyOfRange(b, off, off + n)));
    // Each read ends right after a 0xFF byte (or after 8 KB): markers straddle every boundary.
    reader.readAll(new ChunkedStream(stream, (data, pos, max) -> {
      int n = 0;
      while (n < Math.min(max, 8192) && pos + n < data.length) {
        if (data[pos + n++] == (byte) 0xFF) {
          break;
        }
      }
      return n;
    }));
    assertEquals(3, frames.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(real.get(i), frames.get(i));
    }
    assertEquals(garbage.length, reader.discardedBytes());
  }

  @Test
  void skipsGarbageBetweenFramesAndResynchronises() throws Exception {
    List<byte[]> real = realFrames();
    byte[] garbage = {0x00, 0x12, (byte) 0xFF, 0x00, (byte) 0xFF, (byte) 0xD9, 0x55};
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(garbage, real.get(0), garbage, real.get(1)), 1 << 20, reader);
    assertEquals(2, frames.size());
    assertArrayEquals(real.get(0), frames.get(0));
    assertArrayEquals(real.get(1), frames.get(1));
    assertEquals(2L * garbage.length, reader[0].discardedBytes());
  }

  @Test
  void dropsTruncatedLastFrame() throws Exception {
    List<byte[]> real = realFrames();
    byte[] cut = Arrays.copyOf(real.get(1), real.get(1).length / 2);
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(real.get(0), cut), 1 << 20, reader);
    assertEquals(1, frames.size());
    assertEquals(1, reader[0].truncatedFrames());
  }

  @Test
  void dropsFrameCutByANewFrameAndKeepsTheNext() throws Exception {
    List<byte[]> real = realFrames();
    byte[] cut = Arrays.copyOf(real.get(0), real.get(0).length - 100);
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(cut, real.get(1)), 1 << 20, reader);
    assertEquals(1, frames.size());
    assertArrayEquals(real.get(1), frames.get(0));
  }

  @Test
  void dropsOversizeFrameWithBoundedMemoryAndKeepsTheNext() throws Exception {
    List<byte[]> real = realFrames();
    int bound = real.get(1).length + 1000;
    // A frame with a huge comment segment chain: larger than the bound.
    ByteArrayOutputStream big = new ByteArrayOutputStream();
    big.write(new byte[] {(byte) 0xFF, (byte) 0xD8});
    for (int i = 0; i < 40; i++) {
      big.write(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF});
      big.write(new byte[0xFFFF - 2]);
    }
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(big.toByteArray(), real.get(1), real.get(2)), bound, reader);
    assertEquals(1, reader[0].oversizeFrames());
    assertTrue(frames.size() >= 1, "the reader goes on after an oversize frame");
    assertArrayEquals(real.get(2), frames.get(frames.size() - 1));
  }

  @Test
  void keepsAnExifThumbnailInsideItsFrame() throws Exception {
    List<byte[]> real = realFrames();
    byte[] thumbnail = real.get(2);
    // APP1 segment holding a whole JPEG (FFD8..FFD9), as EXIF thumbnails do.
    int length = 2 + 6 + thumbnail.length;
    byte[] app1 = concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length},
        "Exif\0\0".getBytes(), thumbnail);
    byte[] main = real.get(0);
    byte[] withExif = concat(Arrays.copyOf(main, 2), app1, Arrays.copyOfRange(main, 2, main.length));
    JpegFrameReader[] reader = new JpegFrameReader[1];
    List<byte[]> frames = read(concat(withExif, real.get(1)), 1 << 20, reader);
    assertEquals(2, frames.size());
    assertArrayEquals(withExif, frames.get(0));
    assertJpeg(frames.get(1));
  }
}
