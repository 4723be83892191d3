package io.visionroi.rtsp;

import java.util.Locale;
import java.util.Map;

/**
 * One RTSP request as a client sent it (RFC 2326, 6): method, URI, headers (names in lower case) and body.
 */
public record RtspRequest(String method, String uri, Map<String, String> headers, byte[] body) {

  public RtspRequest {
    headers = Map.copyOf(headers);
  }

  /** The header's value, or null; {@code name} in any case. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The CSeq the answer must repeat, or null when the client sent none. */
  public String cseq() {
    return header("CSeq");
  }
}
