package io.visionroi.app;

import java.io.IOException;
import java.net.InetAddress;

/** The node's name in camera statuses ({@code node}): {@code NODE_NAME} if set, else the host name. */
final class NodeName {

  private NodeName() {
  }

  /** @param port the HTTP port, appended in a cluster (several nodes may share a host); null on a single node */
  static String of(Integer port) {
    String given = System.getenv("NODE_NAME");
    if (given != null && !given.isBlank()) {
      return given;
    }
    return port == null ? host() : host() + ":" + port;
  }

  private static String host() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
