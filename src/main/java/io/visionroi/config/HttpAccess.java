package io.visionroi.config;

import java.util.List;
import java.util.Locale;

/**
 * Who may reach the HTTP port besides the password, and how much of it (docs/operations.md, "Security").
 *
 * @param anonymous      true: no password although the port is reachable beyond this machine (said aloud at
 *                       every start)
 * @param allowedHosts   names (or name:port) under which an anonymous service may be reached besides
 *                       loopback ones; any other Host header gets 403, which stops DNS rebinding
 * @param allowedOrigins web origins ({@code https://nvr.example:8443}) besides the service's own whose pages
 *                       may open viewers and send commands
 * @param maxConnections open HTTP connections at most; more are answered 503 and closed
 * @param maxViewers     viewers of every kind (WebSocket, stream.mjpeg, stream.mp4, RTSP readers) on this node
 *                       at most; more are refused with 503
 */
public record HttpAccess(boolean anonymous, List<String> allowedHosts, List<String> allowedOrigins,
    int maxConnections, int maxViewers) {

  public static final int DEFAULT_MAX_CONNECTIONS = 512;
  public static final int DEFAULT_MAX_VIEWERS = 256;

  public HttpAccess {
    allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
  }

  /** True for names and addresses that only this machine can reach: localhost, 127.0.0.0/8, ::1. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // Only the name itself: "x.localhost" reaches loopback in browsers, but a system resolver may ask DNS for it.
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127(\\.\\d{1,3}){3}");
  }
}
