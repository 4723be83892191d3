package io.visionroi.camera;

import io.visionroi.mp4.Mp4Codec;
import io.visionroi.mp4.Mp4Boxes;
import io.visionroi.bus.Frame;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MP4 splitter and codec strings on what real ffmpeg writes with the service's own muxer options. */
class Mp4FragmentReaderTest {

  private record Segment(Frame.Kind kind, byte[] bytes) {
  }

  /** Twelve frames with a keyframe every fifth, as the service's camera ffmpeg writes them. */
  private static byte[] fragmentedMp4(String encoder, String... encoderArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-frames:v", "12", "-c:v", encoder, "-g", "5"));
    command.addAll(List.of(encoderArgs));
    List<String> copy = FfmpegCommand.forCamera("ffmpeg", io.visionroi.config.CameraConfig.of("a", "a", "rtsp://x/"),
        FfmpegCommand.Encoding.COPY_MP4);
    command.addAll(copy.subList(copy.indexOf("-f"), copy.size())); // the service's muxer and its options
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    return out;
  }

  private static List<Segment> split(byte[] stream, Mp4FragmentReader[] reader) throws IOException {
    List<Segment> segments = new ArrayList<>();
    reader[0] = new Mp4FragmentReader(1 << 20,
        (kind, b, off, n) -> segments.add(new Segment(kind, Arrays.copyOfRange(b, off, off + n))));
    reader[0].readAll(ChunkedStream.trickle(stream));
    return segments;
  }

  @Test
  void h264FromFfmpegSplitsIntoAnInitSegmentAndAFragmentPerFrameWithItsKeyframes() throws Exception {
    Mp4FragmentReader[] reader = new Mp4FragmentReader[1];
    List<Segment> segments = split(fragmentedMp4("libx264", "-profile:v", "high", "-bf", "0"), reader);
    assertNull(reader[0].problem());
    assertEquals(13, segments.size(), "init segment and twelve fragments");
    assertEquals(Frame.Kind.MP4_INIT, segments.get(0).kind());
    assertEquals("ftyp", Mp4Boxes.type(segments.get(0).bytes(), 4));
    for (int i = 1; i < segments.size(); i++) {
      assertEquals("moof", Mp4Boxes.type(segments.get(i).bytes(), 4));
      assertEquals((i - 1) % 5 == 0 ? Frame.Kind.MP4_KEY : Frame.Kind.MP4_DELTA, segments.get(i).kind(), "fragment " + i);
    }
    byte[] init = segments.get(0).bytes();
    String mime = Mp4Codec.mimeOf(init, 0, init.length);
    assertTrue(mime.matches("video/mp4; codecs=\"avc1\\.64[0-9a-f]{4}\""), "High profile: " + mime);
  }

  @Test
  void h265GetsItsCodecString() throws Exception {
    List<Segment> segments = split(fragmentedMp4("libx265", "-x265-params", "log-level=error"), new Mp4FragmentReader[1]);
    byte[] init = segments.get(0).bytes();
    String mime = Mp4Codec.mimeOf(init, 0, init.length);
    assertTrue(mime.matches("video/mp4; codecs=\"hev1\\.1\\.6\\.L\\d+\\.[0-9A-F.]+\""), "Main profile: " + mime);
    assertEquals(Frame.Kind.MP4_KEY, segments.get(1).kind());
  }

  @Test
  void anythingButBoxesStopsTheReadingWithAProblem() throws IOException {
    Mp4FragmentReader[] reader = new Mp4FragmentReader[1];
    assertEquals(List.of(), split("this is no MP4 at all, only text".getBytes(), reader));
    assertNotNull(reader[0].problem());
    byte[] huge = {0x7F, 0, 0, 0, 'm', 'd', 'a', 't'};
    assertEquals(List.of(), split(huge, reader));
    assertTrue(reader[0].problem().contains("size"), reader[0].problem());
  }

  @Test
  void aFragmentCutShortByTheEndOfTheStreamIsNotHandedOn() throws Exception {
    byte[] stream = fragmentedMp4("libx264");
    Mp4FragmentReader[] reader = new Mp4FragmentReader[1];
    List<Segment> whole = split(stream, reader);
    int lastMdat = new String(stream, java.nio.charset.StandardCharsets.ISO_8859_1).lastIndexOf("mdat");
    List<Segment> cut = split(Arrays.copyOf(stream, lastMdat + 20), reader);
    assertEquals(whole.size() - 1, cut.size());
    assertNull(reader[0].problem(), "an ended stream is no malformed one");
  }
}
