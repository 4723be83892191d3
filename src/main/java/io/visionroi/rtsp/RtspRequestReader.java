package io.visionroi.rtsp;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Takes an RTSP connection's bytes as they come and gives the requests in them. Clients send RTP/RTCP on the
 * same connection between requests ({@code $}, a channel byte, a 16-bit length, the packet: RFC 2326, 10.12):
 * receiver reports, which are skipped. Netty's {@code RtspDecoder} is an HTTP decoder and cannot skip them, so
 * the text is read here. A request head or body over {@value #MAX_HEAD} bytes is a {@link Malformed}: the
 * buffer a client can grow is bounded.
 */
public final class RtspRequestReader {

  static final int MAX_HEAD = 16 * 1024;
  private static final byte INTERLEAVED = '$';
  private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** A client that sent something that is no RTSP request, or one too large. */
  public static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private Buffer pending = Buffer.buffer();

  public void feed(Buffer bytes) {
    pending.appendBuffer(bytes);
  }

  /** The next whole request, or null until more bytes come. */
  public RtspRequest next() throws Malformed {
    while (pending.length() > 0 && pending.getByte(0) == INTERLEAVED) {
      if (pending.length() < 4) {
        return null;
      }
      int packet = 4 + pending.getUnsignedShort(2);
      if (pending.length() < packet) {
        return null;
      }
      consume(packet);
    }
    int headEnd = indexOf(HEAD_END);
    if (headEnd < 0) {
      if (pending.length() > MAX_HEAD) {
        throw new Malformed("request head over " + MAX_HEAD + " bytes");
      }
      return null;
    }
    String[] lines = pending.getString(0, headEnd, StandardCharsets.ISO_8859_1.name()).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("RTSP/1.")) {
      throw new Malformed("not an RTSP/1.0 request line: " + printable(lines[0]));
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new Malformed("not a header line: " + printable(lines[i]));
      }
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    int bodyLength = contentLength(headers.get("content-length"));
    int total = headEnd + HEAD_END.length + bodyLength;
    if (pending.length() < total) {
      return null;
    }
    byte[] body = pending.getBytes(headEnd + HEAD_END.length, total);
    consume(total);
    return new RtspRequest(requestLine[0], requestLine[1], headers, body);
  }

  private static int contentLength(String value) throws Malformed {
    if (value == null) {
      return 0;
    }
    try {
      int length = Integer.parseInt(value);
      if (length < 0 || length > MAX_HEAD) {
        throw new Malformed("Content-Length " + length + ": at most " + MAX_HEAD);
      }
      return length;
    } catch (NumberFormatException e) {
      throw new Malformed("Content-Length is no number: " + printable(value));
    }
  }

  private int indexOf(byte[] needle) {
    int limit = Math.min(pending.length(), MAX_HEAD + needle.length) - needle.length;
    outer:
    for (int i = 0; i <= limit; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (pending.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void consume(int bytes) {
    pending = pending.getBuffer(bytes, pending.length());
  }

  private static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return cut.replaceAll("[^ -~]", "?");
  }
}
