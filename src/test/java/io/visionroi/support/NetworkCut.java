package io.visionroi.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts one loopback address off, both ways ({@code ip rule ... blackhole}: every packet to or from it is
 * refused), as a network cut leaves a node whose cluster traffic uses that address. Only inside a network
 * namespace of the test JVM's own (Surefire starts each in one: scripts/private-network/bin/java); it refuses
 * to touch the machine's own network.
 */
public final class NetworkCut implements AutoCloseable {

  private static final List<String> PREFERENCES = List.of("10", "11");
  private final String address;
  private boolean healed;

  private NetworkCut(String address) {
    this.address = address;
  }

  /** Cuts {@code address} off until {@link #close()}. */
  public static NetworkCut of(String address) {
    if (outsideItsOwnNamespace()) {
      throw new IllegalStateException("not in a network namespace of its own: a network cut would touch the"
          + " machine's own network (run the tests through Maven, which isolates them)");
    }
    ip("rule", "add", "pref", PREFERENCES.get(0), "to", address, "blackhole");
    ip("rule", "add", "pref", PREFERENCES.get(1), "from", address, "blackhole");
    return new NetworkCut(address);
  }

  /** The cut is healed (once; again does nothing). */
  @Override
  public synchronized void close() {
    if (!healed) {
      healed = true;
      PREFERENCES.forEach(pref -> ip("rule", "del", "pref", pref));
    }
  }

  @Override
  public String toString() {
    return "network cut of " + address;
  }

  /** The wrapper names the namespace it made; this JVM must be in that one. */
  private static boolean outsideItsOwnNamespace() {
    try {
      String made = System.getenv("VISIONROI_PRIVATE_NETWORK");
      return made == null || !made.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
    } catch (IOException e) {
      return true; // cannot tell: assume the machine's own
    }
  }

  private static void ip(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    try {
      Process ip = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(ip.getInputStream().readAllBytes());
      if (!ip.waitFor(10, TimeUnit.SECONDS) || ip.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
