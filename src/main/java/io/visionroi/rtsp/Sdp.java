package io.visionroi.rtsp;

import io.visionroi.mp4.Mp4Track;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The session description a DESCRIBE answers with (RFC 4566): one video stream, payload type
 * {@value #PAYLOAD_TYPE}, H.264 (RFC 6184, packetization mode 1) or H.265 (RFC 7798), with the parameter sets
 * of the camera's own stream, so that a reader knows the size before the first keyframe.
 */
public final class Sdp {

  public static final int PAYLOAD_TYPE = 96;
  /** The stream's control URL, relative to the Content-Base (the camera's URL and a slash). */
  public static final String TRACK = "trackID=0";

  private Sdp() {
  }

  public static String describe(Mp4Track track, String name, long sessionId) {
    return "v=0\r\n"
        + "o=- " + sessionId + " 1 IN IP4 0.0.0.0\r\n"
        + "s=" + name.replaceAll("[\\r\\n]", " ") + "\r\n"
        + "c=IN IP4 0.0.0.0\r\n"
        + "t=0 0\r\n"
        + "a=control:*\r\n"
        + "a=range:npt=now-\r\n"
        + "m=video 0 RTP/AVP " + PAYLOAD_TYPE + "\r\n"
        + "a=rtpmap:" + PAYLOAD_TYPE + " " + (track.codec() == Mp4Track.Codec.H264 ? "H264" : "H265") + "/"
        + RtpPacketizer.CLOCK_RATE + "\r\n"
        + "a=fmtp:" + PAYLOAD_TYPE + " " + formatParameters(track) + "\r\n"
        + "a=control:" + TRACK + "\r\n";
  }

  private static String formatParameters(Mp4Track track) {
    Base64.Encoder base64 = Base64.getEncoder();
    if (track.codec() == Mp4Track.Codec.H264) {
      List<String> sets = new ArrayList<>();
      String profileLevel = null;
      for (byte[] set : track.parameterSets()) {
        sets.add(base64.encodeToString(set));
        if (profileLevel == null && set.length >= 4 && (set[0] & 0x1F) == 7) {
          profileLevel = HexFormat.of().formatHex(set, 1, 4);
        }
      }
      return "packetization-mode=1" + (profileLevel == null ? "" : ";profile-level-id=" + profileLevel)
          + (sets.isEmpty() ? "" : ";sprop-parameter-sets=" + String.join(",", sets));
    }
    List<String> parameters = new ArrayList<>();
    String[] names = {"sprop-vps", "sprop-sps", "sprop-pps"};
    for (int type = 32; type <= 34; type++) {
      List<String> sets = new ArrayList<>();
      for (byte[] set : track.parameterSets()) {
        if (set.length > 0 && ((set[0] >> 1) & 0x3F) == type) {
          sets.add(base64.encodeToString(set));
        }
      }
      if (!sets.isEmpty()) {
        parameters.add(names[type - 32] + "=" + String.join(",", sets));
      }
    }
    return String.join(";", parameters);
  }
}
