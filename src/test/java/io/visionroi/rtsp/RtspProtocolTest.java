package io.visionroi.rtsp;

import io.visionroi.mp4.Mp4Fragment;
import io.visionroi.mp4.Mp4Track;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The re-stream's protocol pieces on bytes made by hand: requests read between interleaved packets and in
 * pieces, bounded; a keyframe cut into packets that put together give back its NAL units (H.264 FU-A,
 * H.265 FU), behind the parameter sets, without the delimiter; one picture's packets on the wire.
 * RtspRestreamTest reads the same with ffmpeg and GStreamer.
 */
class RtspProtocolTest {

  private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1e, 1, 2, 3};
  private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

  @Test
  void requestsAreReadBetweenInterleavedPacketsAndInPieces() throws Exception {
    RtspRequestReader reader = new RtspRequestReader();
    byte[] rtcp = {'$', 1, 0, 4, 9, 9, 9, 9};
    String request = "SET_PARAMETER rtsp://h/cam RTSP/1.0\r\nCSeq: 7\r\nContent-Length: 5\r\n\r\nhello";
    byte[] all = Buffer.buffer(rtcp).appendString(request).getBytes();
    for (int i = 0; i < all.length - 1; i++) {
      reader.feed(Buffer.buffer(new byte[] {all[i]}));
      assertNull(reader.next(), "nothing whole before byte " + i);
    }
    reader.feed(Buffer.buffer(new byte[] {all[all.length - 1]}));
    RtspRequest read = reader.next();
    assertEquals("SET_PARAMETER", read.method());
    assertEquals("7", read.header("cseq"));
    assertEquals("hello", new String(read.body(), StandardCharsets.US_ASCII));
    assertNull(reader.next());

    RtspRequestReader flooded = new RtspRequestReader();
    flooded.feed(Buffer.buffer("OPTIONS * RTSP/1.0\r\nX: " + "a".repeat(RtspRequestReader.MAX_HEAD)));
    assertThrows(RtspRequestReader.Malformed.class, flooded::next);
    RtspRequestReader http = new RtspRequestReader();
    http.feed(Buffer.buffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThrows(RtspRequestReader.Malformed.class, http::next);
  }

  @Test
  void anH264KeyframeIsCutIntoPacketsThatGiveItBack() {
    byte[] idr = unit(0x65, 5000);
    byte[] fragment = fragment(90_000, 3000, true, unit(0x09, 2), idr);
    RtpPacketizer packetizer = new RtpPacketizer(new Mp4Track(Mp4Track.Codec.H264, 90_000, 4, List.of(SPS, PPS),
        Mp4Fragment.Defaults.NONE));
    List<RtpPacketizer.Picture> pictures = packetizer.pictures(fragment);
    assertEquals(1, pictures.size());
    RtpPacketizer.Picture picture = pictures.get(0);
    assertTrue(picture.keyframe());
    assertEquals(3000, picture.time());
    List<byte[]> payloads = picture.payloads();
    assertArrayEquals(SPS, payloads.get(0));
    assertArrayEquals(PPS, payloads.get(1));
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 2; i < payloads.size(); i++) {
      byte[] p = payloads.get(i);
      assertTrue(p.length <= RtpPacketizer.MAX_PAYLOAD);
      assertEquals(28, p[0] & 0x1F, "FU-A");
      assertEquals(0x60, p[0] & 0xE0, "NRI of the unit");
      assertEquals(i == 2, (p[1] & 0x80) != 0, "start bit on the first only");
      assertEquals(i == payloads.size() - 1, (p[1] & 0x40) != 0, "end bit on the last only");
      assertEquals(5, p[1] & 0x1F);
      joined.write(p, 2, p.length - 2);
    }
    assertArrayEquals(Arrays.copyOfRange(idr, 1, idr.length), joined.toByteArray());

    RtpStream stream = new RtpStream(0);
    int firstSequence = stream.nextSequence();
    Buffer wire = stream.packets(picture);
    int at = 0;
    for (int i = 0; i < payloads.size(); i++) {
      assertEquals('$', wire.getByte(at));
      int length = wire.getUnsignedShort(at + 2);
      assertEquals(12 + payloads.get(i).length, length);
      assertEquals(i == payloads.size() - 1, (wire.getByte(at + 5) & 0x80) != 0, "marker on the picture's last");
      assertEquals((firstSequence + i) & 0xFFFF, wire.getUnsignedShort(at + 6));
      at += 4 + length;
    }
    assertEquals(wire.length(), at);
  }

  @Test
  void anH265KeyframeUsesItsOwnFragmentationUnits() {
    byte[] vps = {0x40, 0x01, 7};
    byte[] sps = {0x42, 0x01, 8};
    byte[] pps = {0x44, 0x01, 9};
    byte[] idr = unit(0x26, 3000); // IDR_W_RADL (19), second header byte below
    idr[1] = 0x01;
    byte[] fragment = fragment(90_000, 0, true, idr);
    List<byte[]> payloads = new RtpPacketizer(new Mp4Track(Mp4Track.Codec.H265, 90_000, 4, List.of(vps, sps, pps),
        Mp4Fragment.Defaults.NONE)).pictures(fragment).get(0).payloads();
    assertArrayEquals(vps, payloads.get(0));
    assertArrayEquals(sps, payloads.get(1));
    assertArrayEquals(pps, payloads.get(2));
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 3; i < payloads.size(); i++) {
      byte[] p = payloads.get(i);
      assertEquals(49, (p[0] >> 1) & 0x3F, "FU");
      assertEquals(0x01, p[1], "layer and temporal id of the unit");
      assertEquals(19, p[2] & 0x3F);
      assertEquals(i == 3, (p[2] & 0x80) != 0);
      assertEquals(i == payloads.size() - 1, (p[2] & 0x40) != 0);
      joined.write(p, 3, p.length - 3);
    }
    assertArrayEquals(Arrays.copyOfRange(idr, 2, idr.length), joined.toByteArray());
  }

  @Test
  void aNewFfmpegGoesOnOnePictureLaterInsteadOfJumpingBack() {
    RtpStream stream = new RtpStream(0);
    long first = stream.packets(new RtpPacketizer.Picture(90_000, true, List.of(new byte[] {0x65}))).getUnsignedInt(8);
    long second = stream.packets(new RtpPacketizer.Picture(96_000, false, List.of(new byte[] {0x41}))).getUnsignedInt(8);
    stream.newTimeline();
    long third = stream.packets(new RtpPacketizer.Picture(0, true, List.of(new byte[] {0x65}))).getUnsignedInt(8);
    assertEquals(6000, (second - first) & 0xFFFF_FFFFL);
    assertEquals(6000, (third - second) & 0xFFFF_FFFFL);
  }

  /** A NAL unit of {@code size} bytes with this header byte. */
  private static byte[] unit(int header, int size) {
    byte[] unit = new byte[size];
    unit[0] = (byte) header;
    for (int i = 1; i < size; i++) {
      unit[i] = (byte) (i * 31);
    }
    return unit;
  }

  /** A fragment as ffmpeg writes it (default_base_moof, one sample) holding these NAL units. */
  private static byte[] fragment(long timescale, long decodeTime, boolean sync, byte[]... units) {
    Buffer sample = Buffer.buffer();
    for (byte[] unit : units) {
      sample.appendInt(unit.length).appendBytes(unit);
    }
    Buffer tfhd = box("tfhd", Buffer.buffer().appendInt(0x020000).appendInt(1));
    Buffer tfdt = box("tfdt", Buffer.buffer().appendInt(0x01000000).appendLong(decodeTime));
    int trunSize = 8 + 4 + 4 + 4 + 4 + 4 + 4;
    int moofSize = 8 + 16 + 8 + tfhd.length() + tfdt.length() + trunSize;
    Buffer trun = box("trun", Buffer.buffer().appendInt(0x000701).appendInt(1).appendInt(moofSize + 8)
        .appendInt(timescale > 0 ? 3000 : 0).appendInt(sample.length()).appendInt(sync ? 0x02000000 : 0x01010000));
    Buffer traf = box("traf", Buffer.buffer().appendBuffer(tfhd).appendBuffer(tfdt).appendBuffer(trun));
    Buffer moof = box("moof", box("mfhd", Buffer.buffer().appendInt(0).appendInt(1)).appendBuffer(traf));
    assertEquals(moofSize, moof.length());
    return moof.appendBuffer(box("mdat", sample)).getBytes();
  }

  private static Buffer box(String type, Buffer body) {
    return Buffer.buffer().appendInt(8 + body.length()).appendString(type).appendBuffer(body);
  }
}
