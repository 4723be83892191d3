package io.visionroi.mp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an init segment ({@code ftyp} and {@code moov}) says of its one video track that a re-streamer needs:
 * the codec, the timescale of its sample times, how long its NAL unit length prefixes are, the parameter sets
 * (H.264's SPS and PPS from {@code avcC}, H.265's VPS, SPS and PPS from {@code hvcC}) and the sample
 * defaults of {@code trex}.
 *
 * @param parameterSets NAL units, each with its header, in the order a decoder wants them
 */
public record Mp4Track(Codec codec, long timescale, int nalLengthSize, List<byte[]> parameterSets,
    Mp4Fragment.Defaults defaults) {

  public enum Codec { H264, H265 }

  /** hvcC's fields before its arrays of NAL units (ISO 14496-15, 8.3.3.1). */
  private static final int HVCC_HEAD = 22;

  public Mp4Track {
    parameterSets = List.copyOf(parameterSets);
  }

  /** Whether both describe the same stream: a decoder set up for one decodes the other. */
  public boolean sameStreamAs(Mp4Track other) {
    if (codec != other.codec || nalLengthSize != other.nalLengthSize
        || parameterSets.size() != other.parameterSets.size()) {
      return false;
    }
    for (int i = 0; i < parameterSets.size(); i++) {
      if (!Arrays.equals(parameterSets.get(i), other.parameterSets.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The track of the init segment {@code bytes[from..to)}, or null when it is no H.264 or H.265 video track. */
  public static Mp4Track parse(byte[] bytes, int from, int to) {
    long timescale = timescale(bytes, from, to);
    SampleEntry entry = SampleEntry.of(bytes, from, to);
    if (timescale <= 0 || entry == null) {
      return null;
    }
    int children = entry.children();
    int entryEnd = entry.end();
    Mp4Fragment.Defaults defaults = defaults(bytes, from, to);
    try {
      return switch (entry.type()) {
        case "avc1", "avc3" -> {
          int[] avcC = Mp4Boxes.child(bytes, children, entryEnd, "avcC");
          yield avcC == null ? null : new Mp4Track(Codec.H264, timescale, (bytes[avcC[0] + 4] & 3) + 1,
              avcParameterSets(bytes, avcC), defaults);
        }
        case "hvc1", "hev1" -> {
          int[] hvcC = Mp4Boxes.child(bytes, children, entryEnd, "hvcC");
          yield hvcC == null || hvcC[1] - hvcC[0] < HVCC_HEAD + 1 ? null : new Mp4Track(Codec.H265, timescale,
              (bytes[hvcC[0] + 21] & 3) + 1, hevcParameterSets(bytes, hvcC), defaults);
        }
        default -> null;
      };
    } catch (IndexOutOfBoundsException malformed) {
      return null;
    }
  }

  private static long timescale(byte[] bytes, int from, int to) {
    int[] mdhd = Mp4Boxes.path(bytes, from, to, "moov/trak/mdia/mdhd");
    if (mdhd == null) {
      return 0;
    }
    int at = mdhd[0] + (bytes[mdhd[0]] == 1 ? 20 : 12);
    return at + 4 <= mdhd[1] ? Mp4Boxes.u32(bytes, at) : 0;
  }

  private static Mp4Fragment.Defaults defaults(byte[] bytes, int from, int to) {
    int[] trex = Mp4Boxes.path(bytes, from, to, "moov/mvex/trex");
    if (trex == null || trex[1] - trex[0] < 24) {
      return Mp4Fragment.Defaults.NONE;
    }
    return new Mp4Fragment.Defaults(Mp4Boxes.u32(bytes, trex[0] + 12), Mp4Boxes.u32(bytes, trex[0] + 16),
        Mp4Boxes.u32(bytes, trex[0] + 20));
  }

  /** avcC: five fixed bytes, then a count and the SPSs, a count and the PPSs, each with a 16-bit length. */
  private static List<byte[]> avcParameterSets(byte[] bytes, int[] avcC) {
    List<byte[]> sets = new ArrayList<>();
    int at = avcC[0] + 5;
    at = readUnits(bytes, at + 1, bytes[at] & 0x1F, avcC[1], sets);
    readUnits(bytes, at + 1, bytes[at] & 0xFF, avcC[1], sets);
    return sets;
  }

  /** hvcC: 22 fixed bytes, then arrays (of VPS, SPS, PPS, SEI…), each a type, a 16-bit count and the units. */
  private static List<byte[]> hevcParameterSets(byte[] bytes, int[] hvcC) {
    List<byte[]> sets = new ArrayList<>();
    int arrays = bytes[hvcC[0] + HVCC_HEAD] & 0xFF;
    int at = hvcC[0] + HVCC_HEAD + 1;
    for (int i = 0; i < arrays; i++) {
      at = readUnits(bytes, at + 3, (int) (Mp4Boxes.u32(bytes, at) >>> 8) & 0xFFFF, hvcC[1], sets);
    }
    return sets;
  }

  private static int readUnits(byte[] bytes, int at, int count, int end, List<byte[]> into) {
    for (int i = 0; i < count; i++) {
      int length = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
      if (at + 2 + length > end) {
        throw new IndexOutOfBoundsException("parameter set past its box");
      }
      into.add(Arrays.copyOfRange(bytes, at + 2, at + 2 + length));
      at += 2 + length;
    }
    return at;
  }
}
