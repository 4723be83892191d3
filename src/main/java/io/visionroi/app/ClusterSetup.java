package io.visionroi.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperty;
import io.visionroi.cluster.ClusterPlacement;
import io.visionroi.cluster.Fencing;
import io.visionroi.cluster.RefreshingClusterManager;
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

  private static final String QUORUM_NAME = "visionroi-quorum";
  /** With a quorum, how long the others leave a vanished node's claims alone (it fences itself meanwhile). */
  private static final long DEPARTED_GRACE_MILLIS = 2000;
  private static final long BUS_PING_MILLIS = 2000;

  private final Path file;
  private final Config hazelcast;
  /** CLUSTER_QUORUM: the fewest members a part of the cluster needs to run cameras, 0 for none. */
  private final int quorum;
  private final int busPort;
  /** The shared key of the event bus's TLS, or null for plain TCP. */
  private final PfxOptions busKey;

  private ClusterSetup(Path file, Config hazelcast, int quorum, int busPort, PfxOptions busKey) {
    this.file = file;
    this.hazelcast = hazelcast;
    this.quorum = quorum;
    this.busPort = busPort;
    this.busKey = busKey;
  }

  /** Reads the Hazelcast config; a missing or broken file is a {@link ConfigException} naming it. */
  static ClusterSetup load(Path serviceConfig) throws ConfigException {
    // Hazelcast logs through SLF4J (our logback) even before it has read cluster.xml, which says so too.
    System.setProperty("hazelcast.logging.type", "slf4j");
    int busPort = busPort(System.getenv("CLUSTER_BUS_PORT"));
    int quorum = quorum(System.getenv("CLUSTER_QUORUM"));
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
      // Bind only where the config says, whatever the file: never every address of the machine.
      hazelcast.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
      fenceTheClaims(hazelcast, quorum);
      if (!loopbackOnly(hazelcast)) {
        requireFencesBeyondLoopback(hazelcast, file, busKey);
      }
      return new ClusterSetup(file, hazelcast, quorum, busPort, busKey);
    } catch (IOException | InvalidConfigurationException e) {
      throw new ConfigException(List.of("cluster: " + (file == null ? "built-in cluster.xml" : file) + ": "
          + e.getMessage()));
    }
  }

  /**
   * What the placement's fencing relies on, whatever cluster.xml says: when the parts of a split cluster
   * merge, the latest claim of a camera wins (the one the others made while a node was frozen or cut off,
   * not that node's old one); the parts look for each other every 2 s, not after Hazelcast's default
   * 5 minutes, unless cluster.xml sets its own delays; and with a quorum, a part with fewer members cannot
   * use the claims (Hazelcast's split-brain protection).
   */
  private static void fenceTheClaims(Config hazelcast, int quorum) {
    MapConfig claims = hazelcast.getMapConfig(ClusterPlacement.OWNERS);
    claims.setPerEntryStatsEnabled(true);
    claims.getMergePolicyConfig().setPolicy(LatestUpdateMergePolicy.class.getName());
    for (HazelcastProperty delay : List.of(ClusterProperty.MERGE_FIRST_RUN_DELAY_SECONDS,
        ClusterProperty.MERGE_NEXT_RUN_DELAY_SECONDS)) {
      if (hazelcast.getProperty(delay.getName()) == null) {
        hazelcast.setProperty(delay.getName(), "2");
      }
    }
    if (quorum > 0) {
      hazelcast.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
          .newRecentlyActiveSplitBrainProtectionConfigBuilder(QUORUM_NAME, quorum, (int) quorumToleranceMillis(hazelcast))
          .enabled(true).build());
      claims.setSplitBrainProtectionName(QUORUM_NAME);
    }
  }

  /**
   * When the placement stops trusting its claims: a node frozen longer than the stall limit may have been
   * dropped by the others; with a quorum, one that hears from fewer members than it within the stall limit is
   * in a minority part.
   */
  Fencing fencing(HazelcastClusterManager manager) {
    if (quorum == 0) {
      return new Fencing(stallLimitMillis(hazelcast), 0, 0, () -> true);
    }
    SplitBrainProtection protection = manager.getHazelcastInstance().getSplitBrainProtectionService()
        .getSplitBrainProtection(QUORUM_NAME);
    return new Fencing(stallLimitMillis(hazelcast), DEPARTED_GRACE_MILLIS, quorum, protection::hasMinimumSize);
  }

  /**
   * 70 % of Hazelcast's heartbeat timeout (3.5 s of the shipped 5 s): a node frozen that long may have been
   * dropped, since the others count their silence from its last heartbeat (every second) and it counts from
   * its last round (every 500 ms); below that, a busy machine's late timers do not stop cameras.
   */
  private static long stallLimitMillis(Config hazelcast) {
    return heartbeatTimeoutMillis(hazelcast) * 7 / 10;
  }

  /**
   * A node that has heard from fewer than the quorum for 80 % of the heartbeat timeout (4 s as shipped) is in
   * a minority: it fences itself before the others drop it (at the timeout) and start its cameras (the
   * departed grace later).
   */
  private static long quorumToleranceMillis(Config hazelcast) {
    return heartbeatTimeoutMillis(hazelcast) * 8 / 10;
  }

  /** {@code hazelcast.max.no.heartbeat.seconds}: after that long without a heartbeat a member is dropped. */
  private static long heartbeatTimeoutMillis(Config hazelcast) {
    String configured = hazelcast.getProperty(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getName());
    return 1000 * Long.parseLong(configured != null ? configured.trim()
        : ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getDefaultValue());
  }

  private static int quorum(String given) {
    if (given == null || given.isBlank()) {
      return 0;
    }
    try {
      int quorum = Integer.parseInt(given.trim());
      if (quorum >= 2) {
        return quorum;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(List.of("CLUSTER_QUORUM: '" + given + "' is not a number of members of at least 2"
        + " (a majority of the cluster, e.g. 2 of 3; unset for none)"));
  }

  /**
   * Whether Hazelcast will only ever talk over loopback, judged from what it will do, not from how the file is
   * written: a TCP-IP join alone (no multicast, auto-detection or discovery), every member a loopback address,
   * and the interfaces it binds named and loopback (without them Hazelcast picks one of the machine's own).
   */
  static boolean loopbackOnly(Config hazelcast) {
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    boolean tcpIpAlone = join.getTcpIpConfig().isEnabled() && !join.getMulticastConfig().isEnabled()
        && !join.isAutoDetectionEnabled() && !join.getAwsConfig().isEnabled() && !join.getGcpConfig().isEnabled()
        && !join.getAzureConfig().isEnabled() && !join.getKubernetesConfig().isEnabled()
        && !join.getEurekaConfig().isEnabled() && join.getDiscoveryConfig().getDiscoveryStrategyConfigs().isEmpty();
    List<String> members = join.getTcpIpConfig().getMembers();
    InterfacesConfig interfaces = hazelcast.getNetworkConfig().getInterfaces();
    return tcpIpAlone && !members.isEmpty() && interfaces.isEnabled() && !interfaces.getInterfaces().isEmpty()
        && java.util.stream.Stream.concat(members.stream(), interfaces.getInterfaces().stream())
            .allMatch(a -> HttpAccess.isLoopback(a.replaceAll(":[0-9-]+$", "")));
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
          + " event bus's TLS; see docs/cluster.md, Cluster security)");
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
        + (busKey == null ? ", event bus in plain TCP" : ", event bus over TLS")
        + (quorum == 0 ? "" : ", quorum " + quorum + " members");
  }

  /**
   * Joins the cluster; completes with the Vert.x and its cluster manager. The event bus listens on the
   * interface Hazelcast uses, on {@code $CLUSTER_BUS_PORT} (for firewalls) or any free port.
   */
  Future<Joined> join() {
    HazelcastClusterManager manager = new RefreshingClusterManager(hazelcast);
    VertxOptions options = Service.vertxOptions();
    // A connection to another node that a network cut or a freeze left stuck (TCP retransmitting into the
    // void) is closed after 4 s without a pong and made again by the next message, instead of Vert.x's
    // 40 s, during which asks and frames to that node are lost.
    options.getEventBusOptions().setPort(busPort).setClusterPingInterval(BUS_PING_MILLIS)
        .setClusterPingReplyInterval(BUS_PING_MILLIS);
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
