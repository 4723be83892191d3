package io.visionroi.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Packaged-jar nodes of one cluster of their own on loopback, for the cluster tests and bench. */
public final class ClusterNodes implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path dir;
  private final JsonObject config;
  /** conf/cluster.xml with a cluster name of its own: a developer's cluster on this machine never joins. */
  private final String clusterXml;
  /** Copy-on-write: a {@link FfmpegCensus} thread reads it while a test starts another node. */
  public final List<JarProcess> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final String clusterName = "test-" + UUID.randomUUID();

  public String clusterName() {
    return clusterName;
  }
  /** Each node's cluster traffic on a loopback address of its own ({@link #onOwnAddresses}). */
  private final boolean ownAddresses;
  /** The event bus's shared key: the nodes talk over TLS, as a production cluster should. */
  private final Path keystore;

  /** @param config the service config every node gets; its http part is replaced by 127.0.0.1, any port */
  public ClusterNodes(Path dir, JsonObject config) throws IOException {
    this(dir, config, false);
  }

  private ClusterNodes(Path dir, JsonObject config, boolean ownAddresses) throws IOException {
    this.dir = dir;
    this.config = RunningService.withRtspOff(config).put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0));
    this.ownAddresses = ownAddresses;
    String xml = shippedClusterXmlNamed(clusterName);
    if (ownAddresses) {
      xml = xml.replace("<member>127.0.0.1</member>", OWN_ADDRESSES.stream()
              .map(a -> "<member>" + a + ":" + OWN_PORT + "</member>").collect(Collectors.joining()))
          .replace("<port auto-increment=\"true\" port-count=\"20\">5701</port>",
              "<port auto-increment=\"false\">" + OWN_PORT + "</port>");
    }
    this.clusterXml = xml;
    this.keystore = Files.createDirectories(dir).resolve("cluster.p12");
    makeKeystore(keystore);
  }

  /** conf/cluster.xml with this cluster name instead of the shipped one. */
  static String shippedClusterXmlNamed(String name) throws IOException {
    return Files.readString(Path.of("conf", "cluster.xml"))
        .replace("<cluster-name>visionroi</cluster-name>", "<cluster-name>" + name + "</cluster-name>");
  }

  /** A fresh key for a cluster, made with the JDK's keytool; its password is {@link #KEYSTORE_PASSWORD}. */
  public static void makeKeystore(Path file) throws IOException {
    Path javaCommand = Path.of(ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no java command")));
    Process keytool = new ProcessBuilder(javaCommand.resolveSibling("keytool").toString(), "-genkeypair", "-alias", "member",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=visionroi-test", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", KEYSTORE_PASSWORD)
        .redirectErrorStream(true).start();
    try {
      String out = new String(keytool.getInputStream().readAllBytes());
      if (!keytool.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IOException("keytool failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public static final String KEYSTORE_PASSWORD = "test-only-" + UUID.randomUUID();

  /**
   * Nodes whose Hazelcast and event bus each use a loopback address of their own ({@link #OWN_ADDRESSES}, in
   * start order, port {@value #OWN_PORT}), so that a test can cut one off ({@link NetworkCut}); only in a
   * network namespace that has those addresses (each test JVM's, see scripts/private-network/bin/java). HTTP stays
   * on 127.0.0.1.
   */
  public static ClusterNodes onOwnAddresses(Path dir, JsonObject config) throws IOException {
    return new ClusterNodes(dir, config, true);
  }

  /** The address the {@code index}-th node started uses for the cluster, with {@link #onOwnAddresses}. */
  public static String ownAddress(int index) {
    return OWN_ADDRESSES.get(index);
  }

  /** Starts a node with its own directory (config, cluster.xml beside it, run dir); {@code env}: NAME=VALUE. */
  public JarProcess start(String name, String... env) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    Files.writeString(home.resolve("config.json"), config.encodePrettily());
    Files.writeString(home.resolve("cluster.xml"), !ownAddresses ? clusterXml : clusterXml.replace(
        "<interface>127.0.0.1</interface>", "<interface>" + ownAddress(nodes.size()) + "</interface>"));
    List<String> environment = new ArrayList<>(List.of("VISIONROI_RUN_DIR=" + home.resolve("run"), "NODE_NAME=",
        "CLUSTER_KEYSTORE=" + keystore, "CLUSTER_KEYSTORE_PASSWORD=" + KEYSTORE_PASSWORD));
    environment.addAll(List.of(env));
    JarProcess node = JarProcess.startRaw(home,
        List.of("--config", home.resolve("config.json").toString(), "--cluster"), environment.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  private static final List<String> OWN_ADDRESSES = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
  private static final int OWN_PORT = 5701;

  /** A node's name as the service makes it: host:port. */
  public static String nodeName(int port) {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "localhost";
      }
    }
    return host + ":" + port;
  }

  /** {@code GET /api/cameras} of one node; empty when it does not answer. */
  public static List<JsonObject> cameras(int port) {
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/api/cameras")).build(), HttpResponse.BodyHandlers.ofString());
      return new JsonArray(answer.body()).stream().map(JsonObject.class::cast).toList();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** Camera id to the node running it, as one node answers. */
  public static Map<String, String> owners(int port) {
    Map<String, String> owners = new HashMap<>();
    cameras(port).forEach(c -> owners.put(c.getString("id"), String.valueOf(c.getString("node"))));
    return owners;
  }

  /** All cameras of the config run on this node (live or still starting), or also live. */
  public boolean allOn(int port, boolean live) {
    List<JsonObject> all = cameras(port);
    return all.size() == config.getJsonArray("cameras").size() && all.stream().allMatch(
        c -> nodeName(port).equals(c.getString("node")) && (!live || "live".equals(c.getString("state"))));
  }

  /** All cameras of the config live, half on each of the two nodes. */
  public boolean liveAndHalved(int portA, int portB) {
    return liveAndSpread(List.of(portA, portB));
  }

  /** All cameras of the config live, as one node answers, spread evenly over these nodes (counts differ by ≤ 1). */
  public boolean liveAndSpread(List<Integer> ports) {
    List<JsonObject> all = cameras(ports.get(0));
    int total = config.getJsonArray("cameras").size();
    Map<String, Long> perNode = all.stream().collect(Collectors.groupingBy(c -> String.valueOf(c.getString("node")), Collectors.counting()));
    return all.size() == total && all.stream().allMatch(c -> "live".equals(c.getString("state")))
        && ports.stream().allMatch(p -> perNode.getOrDefault(nodeName(p), 0L) >= total / ports.size())
        && perNode.keySet().stream().allMatch(n -> ports.stream().anyMatch(p -> nodeName(p).equals(n)));
  }

  /** How many ffmpeg each camera has on all nodes together, by the camera's URL in the command line. */
  public Map<String, Long> ffmpegPerCamera() {
    Map<String, String> byUrl = new HashMap<>();
    config.getJsonArray("cameras").stream().map(JsonObject.class::cast)
        .forEach(c -> byUrl.put(c.getString("url").replaceFirst("^lavfi:", ""), c.getString("id")));
    return nodes.stream().flatMap(n -> ffmpegOf(n).stream())
        .flatMap(p -> p.info().arguments().stream().flatMap(Stream::of))
        .map(byUrl::get)
        .filter(id -> id != null)
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
  }

  /** A node's live ffmpeg processes. */
  public static List<ProcessHandle> ffmpegOf(JarProcess node) {
    return node.process.descendants()
        .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false))
        .toList();
  }

  /** The nodes' last log lines and the event bus's registrations of camera addresses, for a failure's message. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    com.hazelcast.client.config.ClientConfig client = new com.hazelcast.client.config.ClientConfig();
    client.setClusterName(clusterName);
    client.setProperty("hazelcast.logging.type", "none");
    client.getNetworkConfig().addAddress((ownAddresses ? ownAddress(0) + ":" + OWN_PORT : "127.0.0.1:5701"));
    client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3000);
    try {
      com.hazelcast.core.HazelcastInstance hazelcast = com.hazelcast.client.HazelcastClient.newHazelcastClient(client);
      try {
        com.hazelcast.multimap.MultiMap<String, Object> subs = hazelcast.getMultiMap("__vertx.subs");
        new java.util.TreeSet<>(subs.keySet()).stream().filter(k -> k.startsWith("camera."))
            .forEach(k -> out.append("subs ").append(k).append(" -> ").append(subs.get(k)).append('\n'));
        out.append("nodes ").append(hazelcast.getMap("__vertx.nodeInfo").keySet()).append('\n');
      } finally {
        hazelcast.shutdown();
      }
    } catch (RuntimeException e) {
      out.append("(registrations not read: ").append(e.getMessage()).append(")\n");
    }
    for (JarProcess node : nodes) {
      List<String> lines = node.output;
      out.append("--- node ").append(node.pid()).append(":\n")
          .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()))).append('\n');
    }
    return out.toString();
  }

  @Override
  public void close() {
    nodes.forEach(JarProcess::close);
  }
}
