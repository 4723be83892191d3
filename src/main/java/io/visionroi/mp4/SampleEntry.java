package io.visionroi.mp4;

/**
 * The first sample entry of an init segment's video track ({@code stsd}): its four-letter codec type
 * ({@code avc1}, {@code hvc1}…) and where its child boxes ({@code avcC}, {@code hvcC}) are.
 *
 * @param children the first child box, after the visual sample entry's fixed fields
 * @param end      the end of the entry
 */
record SampleEntry(String type, int children, int end) {

  private static final String SAMPLE_DESCRIPTIONS = "moov/trak/mdia/minf/stbl/stsd";
  /** stsd's version, flags and entry count come before its first sample entry. */
  private static final int STSD_PREAMBLE = 8;
  /** A visual sample entry's fixed fields (ISO 14496-12, 12.1.3) come before its child boxes. */
  private static final int VISUAL_SAMPLE_ENTRY = 78;

  /** The entry in the init segment {@code bytes[from..to)}, or null when there is none. */
  static SampleEntry of(byte[] bytes, int from, int to) {
    int[] stsd = Mp4Boxes.path(bytes, from, to, SAMPLE_DESCRIPTIONS);
    int entry = stsd == null ? -1 : stsd[0] + STSD_PREAMBLE;
    if (entry < 0 || entry + Mp4Boxes.HEADER + VISUAL_SAMPLE_ENTRY > stsd[1]) {
      return null;
    }
    return new SampleEntry(Mp4Boxes.type(bytes, entry + 4), entry + Mp4Boxes.HEADER + VISUAL_SAMPLE_ENTRY,
        (int) Math.min(stsd[1], entry + Mp4Boxes.u32(bytes, entry)));
  }
}
