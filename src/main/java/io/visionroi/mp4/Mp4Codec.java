package io.visionroi.mp4;

import java.util.Locale;

/**
 * The MIME type of an MP4 init segment with its RFC 6381 codec string, as browsers want it for
 * {@code MediaSource.isTypeSupported} and {@code addSourceBuffer}: {@code video/mp4; codecs="avc1.640028"}
 * from H.264's avcC (profile, constraints, level), {@code hvc1.1.6.L93.B0} from H.265's hvcC.
 */
public final class Mp4Codec {

  private Mp4Codec() {
  }

  /** The MIME type of the init segment {@code bytes[from..to)}; plain {@code video/mp4} when its codec is not found. */
  public static String mimeOf(byte[] bytes, int from, int to) {
    String codecs = codecsOf(bytes, from, to);
    return codecs == null ? "video/mp4" : "video/mp4; codecs=\"" + codecs + "\"";
  }

  private static String codecsOf(byte[] bytes, int from, int to) {
    SampleEntry entry = SampleEntry.of(bytes, from, to);
    if (entry == null) {
      return null;
    }
    String type = entry.type();
    int children = entry.children();
    int entryEnd = entry.end();
    return switch (type) {
      case "avc1", "avc3" -> {
        int[] avcC = Mp4Boxes.child(bytes, children, entryEnd, "avcC");
        yield avcC == null || avcC[1] - avcC[0] < 4 ? type
            : String.format(Locale.ROOT, "%s.%02x%02x%02x", type, bytes[avcC[0] + 1] & 0xFF, bytes[avcC[0] + 2] & 0xFF,
                bytes[avcC[0] + 3] & 0xFF);
      }
      case "hvc1", "hev1" -> {
        int[] hvcC = Mp4Boxes.child(bytes, children, entryEnd, "hvcC");
        yield hvcC == null || hvcC[1] - hvcC[0] < 13 ? type : type + hevcProfile(bytes, hvcC[0]);
      }
      default -> type;
    };
  }

  /** {@code .1.6.L93.B0}: profile space and profile, compatibility flags (bits reversed), tier and level, constraints. */
  private static String hevcProfile(byte[] bytes, int hvcC) {
    int spaceTierProfile = bytes[hvcC + 1] & 0xFF;
    String space = switch (spaceTierProfile >> 6) {
      case 1 -> "A";
      case 2 -> "B";
      case 3 -> "C";
      default -> "";
    };
    long compatibility = Integer.reverse((int) Mp4Boxes.u32(bytes, hvcC + 2)) & 0xFFFFFFFFL;
    StringBuilder codec = new StringBuilder()
        .append('.').append(space).append(spaceTierProfile & 0x1F)
        .append('.').append(Long.toHexString(compatibility).toUpperCase(Locale.ROOT))
        .append('.').append((spaceTierProfile & 0x20) != 0 ? 'H' : 'L').append(bytes[hvcC + 12] & 0xFF);
    int lastConstraint = 5;
    while (lastConstraint >= 0 && bytes[hvcC + 6 + lastConstraint] == 0) {
      lastConstraint--;
    }
    for (int i = 0; i <= lastConstraint; i++) {
      codec.append('.').append(Integer.toHexString(bytes[hvcC + 6 + i] & 0xFF).toUpperCase(Locale.ROOT));
    }
    return codec.toString();
  }
}
