package io.visionroi.bus;

import java.util.Locale;

/** What a camera's stream carries to viewers: JPEG pictures, or H.264/H.265 as fragmented MP4. */
public enum StreamFormat {
  JPEG, MP4;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format of a wire name, or null for anything else. */
  public static StreamFormat fromWireName(String name) {
    for (StreamFormat format : values()) {
      if (format.wireName().equals(name)) {
        return format;
      }
    }
    return null;
  }
}
