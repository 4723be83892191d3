package io.visionroi.rtsp;

import io.visionroi.mp4.Mp4Boxes;
import io.visionroi.mp4.Mp4Fragment;
import io.visionroi.mp4.Mp4Track;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the pictures of an MP4 fragment into RTP payloads, as the camera sent them, nothing decoded: H.264 by
 * RFC 6184 (a NAL unit per packet, FU-A for those larger than {@value #MAX_PAYLOAD} bytes), H.265 by RFC 7798
 * (the same with its FU). A keyframe is preceded by the track's parameter sets when it does not carry them, so
 * a reader can start at any keyframe whatever its SDP said. Access unit delimiters are left out.
 */
public final class RtpPacketizer {

  /** Payload bytes per packet at most: with the headers, a packet fits an Ethernet frame, as over UDP. */
  public static final int MAX_PAYLOAD = 1400;
  /** RTP's clock for video (RFC 3551). */
  public static final long CLOCK_RATE = 90_000;

  /**
   * One picture's payloads, in order; the last one carries the marker bit.
   *
   * @param time presentation time at {@link #CLOCK_RATE}, as the fragment gives it (starts again with each ffmpeg)
   */
  public record Picture(long time, boolean keyframe, List<byte[]> payloads) {
  }

  private final Mp4Track track;

  public RtpPacketizer(Mp4Track track) {
    this.track = track;
  }

  public Mp4Track track() {
    return track;
  }

  /** The pictures of the fragment {@code bytes} (moof and mdat); none when it is malformed. */
  public List<Picture> pictures(byte[] bytes) {
    if (bytes.length < Mp4Boxes.HEADER || !Mp4Boxes.isType(bytes, 4, "moof")) {
      return List.of();
    }
    int moofEnd = (int) Math.min(bytes.length, Mp4Boxes.u32(bytes, 0));
    Mp4Fragment fragment = Mp4Fragment.parse(bytes, Mp4Boxes.HEADER, moofEnd, track.defaults());
    List<Picture> pictures = new ArrayList<>(fragment.samples().size());
    for (Mp4Fragment.Sample sample : fragment.samples()) {
      if (sample.dataOffset() < 0 || sample.dataOffset() + sample.size() > bytes.length) {
        break;
      }
      long time = sample.presentationTime() * CLOCK_RATE / track.timescale();
      pictures.add(new Picture(time, sample.sync(), payloads(bytes, sample)));
    }
    return pictures;
  }

  private List<byte[]> payloads(byte[] bytes, Mp4Fragment.Sample sample) {
    List<int[]> units = new ArrayList<>();
    boolean carriesParameterSets = false;
    int at = sample.dataOffset();
    int end = at + sample.size();
    int lengthSize = track.nalLengthSize();
    while (at + lengthSize <= end) {
      long length = 0;
      for (int i = 0; i < lengthSize; i++) {
        length = (length << 8) | (bytes[at + i] & 0xFF);
      }
      at += lengthSize;
      if (length <= 0 || at + length > end) {
        break;
      }
      int type = nalType(bytes[at]);
      carriesParameterSets |= isParameterSet(type);
      if (!isDelimiter(type)) {
        units.add(new int[] {at, (int) length});
      }
      at += (int) length;
    }
    List<byte[]> payloads = new ArrayList<>();
    if (sample.sync() && !carriesParameterSets) {
      for (byte[] set : track.parameterSets()) {
        if (set.length > 0 && isParameterSet(nalType(set[0]))) {
          cut(set, 0, set.length, payloads);
        }
      }
    }
    units.forEach(unit -> cut(bytes, unit[0], unit[1], payloads));
    return payloads;
  }

  /** One NAL unit into a packet, or fragmentation units when it is too large for one. */
  private void cut(byte[] bytes, int at, int length, List<byte[]> into) {
    if (length <= MAX_PAYLOAD) {
      byte[] single = new byte[length];
      System.arraycopy(bytes, at, single, 0, length);
      into.add(single);
      return;
    }
    boolean h264 = track.codec() == Mp4Track.Codec.H264;
    int headerSize = h264 ? 1 : 2;
    byte[] prefix = h264
        ? new byte[] {(byte) ((bytes[at] & 0xE0) | 28)}
        : new byte[] {(byte) ((bytes[at] & 0x81) | (49 << 1)), bytes[at + 1]};
    int type = nalType(bytes[at]);
    int pos = at + headerSize;
    int end = at + length;
    int chunk = MAX_PAYLOAD - prefix.length - 1;
    while (pos < end) {
      int size = Math.min(chunk, end - pos);
      byte[] packet = new byte[prefix.length + 1 + size];
      System.arraycopy(prefix, 0, packet, 0, prefix.length);
      packet[prefix.length] = (byte) ((pos == at + headerSize ? 0x80 : 0) | (pos + size == end ? 0x40 : 0) | type);
      System.arraycopy(bytes, pos, packet, prefix.length + 1, size);
      into.add(packet);
      pos += size;
    }
  }

  private int nalType(byte header) {
    return track.codec() == Mp4Track.Codec.H264 ? header & 0x1F : (header >> 1) & 0x3F;
  }

  /** H.264 SPS and PPS; H.265 VPS, SPS and PPS. */
  private boolean isParameterSet(int type) {
    return track.codec() == Mp4Track.Codec.H264 ? type == 7 || type == 8 : type >= 32 && type <= 34;
  }

  private boolean isDelimiter(int type) {
    return track.codec() == Mp4Track.Codec.H264 ? type == 9 : type == 35;
  }
}
