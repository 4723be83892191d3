package io.visionroi.http;

import io.visionroi.config.HttpAccess;
import io.vertx.core.net.SocketAddress;

import java.util.HashMap;
import java.util.Map;

/**
 * What each client address holds of something the node caps (connections, viewers), so that one client cannot
 * take it all: an address may hold a quarter of the node's cap. Loopback is not counted: a reverse proxy on this
 * machine speaks for everyone. An address is forgotten with the last thing it held. On one event loop.
 */
final class AddressTally {

  private final Map<String, Integer> held = new HashMap<>();
  private final int limit;

  /** @param nodeCap what the whole node may hold */
  AddressTally(int nodeCap) {
    this.limit = Math.max(1, nodeCap / 4);
  }

  int limit() {
    return limit;
  }

  /** The address counted for a client at {@code remote}, or null when it is not counted (loopback, unknown). */
  static String counted(SocketAddress remote) {
    String address = remote == null ? null : remote.hostAddress();
    return address == null || HttpAccess.isLoopback(address) ? null : address;
  }

  /** Whether that address already holds its share (never for an address not counted). */
  boolean full(String address) {
    return address != null && held.getOrDefault(address, 0) >= limit;
  }

  void add(String address) {
    if (address != null) {
      held.merge(address, 1, Integer::sum);
    }
  }

  void remove(String address) {
    if (address != null) {
      held.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    }
  }
}
