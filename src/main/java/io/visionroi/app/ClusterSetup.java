package io.visionroi.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.XmlConfigBuilder;
import io.visionroi.config.ConfigException;
import io.visionroi.config.HttpAccess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The clustered Vert.x of {@code --cluster}: Hazelcast as cluster manager, configured from
 * {@code $CLUSTER_CONFIG}, else {@code cluster.xml} beside the service's config file, else the copy of
 * {@code conf/cluster.xml} built into the jar (members on 127.0.0.1).
 */
final class ClusterSetup {

  private static final String SHIPPED_NAME = "visionroi";

  private final Path file;
  private final Config hazelcast;
  private final int busPort;
  /** The shared key of the event bus's TLS, or null for plain TCP. */
  private final PfxOptions busKey;

  private ClusterSetup(Path file, Config hazelcast, int busPort, PfxOptions busKey) {
    this.file = file;
    this.hazelcast = hazelcast;
    this.busPort = busPort;
    this.busKey = busKey;
  }

  /** Reads the Hazelcast config; a missing or broken file is a {@link ConfigException} naming it. */
  static ClusterSetup load(Path serviceConfig) throws ConfigException {
    // Hazelcast logs through SLF4J (our logback) even before it has read cluster.xml, which says so too.
    System.setProperty("hazelcast.logging.type", "slf4j");
    int busPort = busPort(System.getenv("CLUSTER_BUS_PORT"));
    PfxOptions busKey = busKey(System.getenv("CLUSTER_KEYSTORE"), System.getenv("CLUSTER_KEYSTORE_PASSWORD"));
    String fromEnv = System.getenv("CLUSTER_CONFIG");
    Path beside = serviceConfig.toAbsolutePath().resolveSibling("cluster.xml");
    Path file = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : Files.isRegularFile(beside) ? beside : null;
    try (InputStream in = file != null ? Files.newInputStream(file)
        : ClusterSetup.class.getClassLoader().getResourceAsStream("cluster.xml")) {
      if (in == null) {
        throw new ConfigException(List.of("cluster: no cluster.xml beside the config file and none built in"));
      }
      Config hazelcast = new XmlConfigBuilder(in).build();
      if (!loopbackOnly(hazelcast)) {
        requireFencesBeyondLoopback(hazelcast, file, busKey);
      }
      return new ClusterSetup(file, hazelcast, busPort, busKey);
    } catch (IOException | InvalidConfigurationException e) {
      throw new ConfigException(List.of("cluster: " + (file == null ? "built-in cluster.xml" : file) + ": "
          + e.getMessage()));
    }
  }

  private static boolean loopbackOnly(Config hazelcast) {
    List<String> addresses = new java.util.ArrayList<>(hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    if (hazelcast.getNetworkConfig().getInterfaces().isEnabled()) {
      addresses.addAll(hazelcast.getNetworkConfig().getInterfaces().getInterfaces());
    }
    return addresses.stream().allMatch(a -> HttpAccess.isLoopback(a.replaceAll(":\\d+$", "")));
  }

  /**
   * Members beyond loopback need two fences. Hazelcast's open-source members do not authenticate each other:
   * a cluster name of its own keeps other clusters and strangers' clients out. The event bus carries frames
   * and commands: TLS with the members' shared key keeps strangers from reading it or writing to it.
   */
  private static void requireFencesBeyondLoopback(Config hazelcast, Path file, PfxOptions busKey) {
    List<String> problems = new java.util.ArrayList<>();
    if (SHIPPED_NAME.equals(hazelcast.getClusterName())) {
      problems.add("cluster: " + (file == null ? "cluster.xml" : file) + ": <cluster-name> is the shipped '"
          + SHIPPED_NAME + "' but members are beyond loopback: give this cluster a name of its own");
    }
    if (busKey == null) {
      problems.add("CLUSTER_KEYSTORE: required when members are beyond loopback (the members' shared key for the"
          + " event bus's TLS; see the README's cluster security)");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /**
   * One PKCS#12 key store shared by all members: each presents its key and trusts only that key, so the
   * event bus is encrypted and only members that hold the key can talk on it.
   */
  private static PfxOptions busKey(String path, String password) {
    if (path == null || path.isBlank()) {
      return null;
    }
    if (!Files.isReadable(Path.of(path))) {
      throw new ConfigException(List.of("CLUSTER_KEYSTORE: '" + path + "' is not a readable file"));
    }
    if (password == null) {
      throw new ConfigException(List.of("CLUSTER_KEYSTORE_PASSWORD: required with CLUSTER_KEYSTORE"));
    }
    try {
      java.security.KeyStore.getInstance(Path.of(path).toFile(), password.toCharArray());
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new ConfigException(List.of("CLUSTER_KEYSTORE: '" + path + "' cannot be opened with"
          + " CLUSTER_KEYSTORE_PASSWORD as a PKCS#12 key store: " + e.getMessage()));
    }
    return new PfxOptions().setPath(path).setPassword(password);
  }

  private static int busPort(String given) {
    if (given == null || given.isBlank()) {
      return 0;
    }
    try {
      int port = Integer.parseInt(given.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(List.of("CLUSTER_BUS_PORT: '" + given + "' is not a port number (0-65535)"));
  }

  /** Where the config came from, for the log. */
  String source() {
    return (file == null ? "built-in cluster.xml (members on 127.0.0.1)" : file.toString())
        + (busKey == null ? ", event bus in plain TCP" : ", event bus over TLS");
  }

  /**
   * Joins the cluster; completes with the Vert.x and its cluster manager. The event bus listens on the
   * interface Hazelcast uses, on {@code $CLUSTER_BUS_PORT} (for firewalls) or any free port.
   */
  Future<Joined> join() {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    VertxOptions options = Service.vertxOptions();
    options.getEventBusOptions().setPort(busPort);
    if (busKey != null) {
      options.getEventBusOptions().setSsl(true).setKeyCertOptions(busKey).setTrustOptions(busKey)
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .map(vertx -> new Joined(vertx, manager));
  }

  record Joined(Vertx vertx, HazelcastClusterManager manager) {
  }
}
