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

/** Packaged-jar nodes of one cluster of their own on loopback, for the cluster tests and bench. */
public final class ClusterNodes implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path dir;
  private final JsonObject config;
  /** conf/cluster.xml with a cluster name of its own: a developer's cluster on this machine never joins. */
  private final String clusterXml;
  public final List<JarProcess> nodes = new ArrayList<>();
  /** The event bus's shared key: the nodes talk over TLS, as a production cluster should. */
  private final Path keystore;

  /** @param config the service config every node gets; its http part is replaced by 127.0.0.1, any port */
  public ClusterNodes(Path dir, JsonObject config) throws IOException {
    this.dir = dir;
    this.config = config.copy().put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0));
    this.clusterXml = Files.readString(Path.of("conf", "cluster.xml")).replace(
        "<cluster-name>visionroi</cluster-name>", "<cluster-name>test-" + UUID.randomUUID() + "</cluster-name>");
    this.keystore = dir.resolve("cluster.p12");
    makeKeystore(keystore);
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

  /** Starts a node with its own directory (config, cluster.xml beside it, run dir). */
  public JarProcess start(String name) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    Files.writeString(home.resolve("config.json"), config.encodePrettily());
    Files.writeString(home.resolve("cluster.xml"), clusterXml);
    JarProcess node = JarProcess.startRaw(home,
        List.of("--config", home.resolve("config.json").toString(), "--cluster"),
        "VISIONROI_RUN_DIR=" + home.resolve("run"), "NODE_NAME=", "CLUSTER_KEYSTORE=" + keystore,
        "CLUSTER_KEYSTORE_PASSWORD=" + KEYSTORE_PASSWORD);
    nodes.add(node);
    return node;
  }

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
    List<JsonObject> all = cameras(portA);
    long half = config.getJsonArray("cameras").size() / 2;
    return all.size() == 2 * half && all.stream().allMatch(c -> "live".equals(c.getString("state")))
        && all.stream().collect(Collectors.groupingBy(c -> c.getString("node"), Collectors.counting()))
        .equals(Map.of(nodeName(portA), half, nodeName(portB), half));
  }

  @Override
  public void close() {
    nodes.forEach(JarProcess::close);
  }
}
