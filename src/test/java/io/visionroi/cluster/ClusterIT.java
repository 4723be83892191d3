package io.visionroi.cluster;

import io.visionroi.support.ClusterNodes;
import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.FfmpegCensus;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.visionroi.support.ClusterNodes.cameras;
import static io.visionroi.support.ClusterNodes.ffmpegOf;
import static io.visionroi.support.ClusterNodes.nodeName;
import static io.visionroi.support.ClusterNodes.owners;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged-jar nodes on loopback, one cluster, four cameras (an HTTP MJPEG one, an RTSP H.264 one sent
 * as MP4, two test patterns): each camera runs on exactly one node, every node answers for every camera and
 * streams any of them in either format, and a node's cameras move to the other when it is stopped (SIGTERM)
 * or killed (SIGKILL), and back to a returning node, without ever running twice.
 */
class ClusterIT {

  private static final long START_MILLIS = 40_000;
  /** A move's two ffmpeg: the new one's first keyframe (gate: every 2 s), a request and a kill; busy machine. */
  private static final long MOVE_OVERLAP_MILLIS = 6000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private FakeMjpegCamera door;
  private RtspCamera gate;
  private Vertx vertx;
  private JsonObject config;
  private ClusterNodes cluster;

  @BeforeEach
  void cluster() throws Exception {
    vertx = Vertx.vertx();
    door = new FakeMjpegCamera("160x120").start();
    gate = RtspCamera.h264(2).size("160x120").start();
    // Each pattern differs (rate), so a camera's ffmpeg is known by its command line.
    config = new JsonObject().put("cameras", new JsonArray()
            .add(camera("door", door.url()))
            .add(camera("hall", "lavfi:testsrc2=size=160x120:rate=6"))
            .add(camera("yard", "lavfi:testsrc2=size=160x120:rate=7"))
            .add(camera("gate", gate.url())));
    cluster = new ClusterNodes(dir, config);
  }

  @AfterEach
  void stopAll() {
    cluster.close();
    door.close();
    gate.close();
    vertx.close();
  }

  /**
   * One cluster for every scenario (a cluster's start is the dearest part of the test): spread and served
   * from either node, then B stopped and back, then the returned B killed.
   */
  @Test
  void camerasSpreadAreServedByEitherNodeAndMoveOnStopReturnAndKillWithoutEverRunningTwice() throws Exception {
    JarProcess a = cluster.start("a");
    JarProcess b = cluster.start("b");
    int portA = a.awaitStarted(START_MILLIS);
    int portB = awaitSpread(a, b);
    assertExactlyOneFfmpegPerCamera(3000);
    List<Integer> ports = assertListensOnLoopbackOnly(a.pid());
    assertEventBusSpeaksTlsWithTheMembersKey(ports, portA);
    assertAClientWithTheShippedNameIsTurnedAway(ports);
    eitherNodeServesEveryCamera(portA, portB);
    JarProcess returned = stoppedNodeHandsOverAtOnceAndReturnsWithoutDoubles(a, portA, b);
    killedNodesCamerasMove(a, portA, returned);

    Processes.signal(a.pid(), "TERM");
    assertEquals(0, a.awaitExit(5000));
    assertTrue(cluster.nodes.stream().allMatch(n -> ffmpegOf(n).isEmpty()), "no ffmpeg left on any node");
  }

  private void eitherNodeServesEveryCamera(int portA, int portB) throws Exception {
    // Either node answers for every camera, with the node running it.
    Map<String, String> seenFromA = owners(portA);
    assertEquals(seenFromA, owners(portB));
    assertEquals(Set.of("door", "hall", "yard", "gate"), seenFromA.keySet());
    assertEquals(Set.of(nodeName(portA), nodeName(portB)), Set.copyOf(seenFromA.values()));

    // The H.264 camera reaches an MP4 viewer on the node that does not run it: the group asked across the
    // cluster first (a picture at once), then fragments as they come.
    int notGatePort = seenFromA.get("gate").equals(nodeName(portA)) ? portB : portA;
    try (ViewerClient mp4 = ViewerClient.connect(vertx, notGatePort, "/ws/cameras/gate?format=mp4")) {
      assertTrue(mp4.awaitFrames(10, 10_000), "MP4 of the other node's camera: " + mp4.frames.size());
      assertEquals("ftyp", mp4.frames.get(0).getString(4, 8), "the init segment first");
      assertTrue(mp4.frames.subList(1, 10).stream().allMatch(f -> f.getString(4, 8).equals("moof")), "then fragments");
    }

    // A viewer on A watches a camera B runs (JPEG, not gate's: its JPEG encoder would be a fifth ffmpeg);
    // snapshot and restart work from A too.
    String remote = cameraOf(seenFromA, nodeName(portB));
    try (ViewerClient viewer = ViewerClient.connect(vertx, portA, "/ws/cameras/" + remote)) {
      assertTrue(viewer.awaitFrames(5, 10_000), "frames of B's camera reach a viewer on A");
      assertTrue(viewer.frames.stream().allMatch(ViewerClient::isJpeg));
    }
    // Frames cross to another node only while a viewer there watches, and once per node, not per viewer:
    // what B's event bus writes to other nodes, over 3 s each.
    long none = busBytesWrittenOver(portB);
    long one;
    long four;
    try (ViewerClient first = ViewerClient.connect(vertx, portA, "/ws/cameras/" + remote)) {
      assertTrue(first.awaitFrames(3, 10_000));
      one = busBytesWrittenOver(portB);
      List<ViewerClient> more = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        more.add(ViewerClient.connect(vertx, portA, "/ws/cameras/" + remote));
      }
      assertTrue(Processes.waitFor(10_000, () -> more.stream().allMatch(v -> !v.frames.isEmpty())));
      four = busBytesWrittenOver(portB);
      more.forEach(ViewerClient::close);
    }
    System.out.printf("B's event bus wrote %d bytes with no remote viewer, %d with one, %d with four%n", none, one,
        four);
    assertTrue(none * 10 < one, "no frames cross without a viewer on the other node");
    assertTrue(four < one * 3 / 2, "four viewers on A cost the network what one does");

    HttpResponse<byte[]> snapshot = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + portA + "/api/cameras/" + remote + "/snapshot.jpg")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, snapshot.statusCode());
    assertEquals("image/jpeg", snapshot.headers().firstValue("Content-Type").orElse(""));
    HttpResponse<String> restart = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + portA + "/api/cameras/" + remote + "/restart"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, restart.statusCode(), restart.body());
    assertEquals(nodeName(portB), new JsonObject(restart.body()).getString("node"));

    // An outage of a camera one node runs closes the viewers on the other node too (1013).
    String doorNode = seenFromA.get("door");
    int otherPort = doorNode.equals(nodeName(portA)) ? portB : portA;
    try (ViewerClient viewer = ViewerClient.connect(vertx, otherPort, "/ws/cameras/door")) {
      assertTrue(viewer.awaitFrames(3, 10_000));
      door.freeze();
      assertEquals(1013, viewer.awaitClose(8000).code(), "outage close reaches a viewer on the other node");
      door.thaw();
    }
    assertTrue(Processes.waitFor(15_000, () -> cluster.liveAndHalved(portA, portB)), "door live again: " + describe(portA));
  }

  /** SIGTERM: B's cameras run on A at once; B started again takes its share, no camera ever on both. */
  private JarProcess stoppedNodeHandsOverAtOnceAndReturnsWithoutDoubles(JarProcess a, int portA, JarProcess b)
      throws Exception {
    long stoppedAt = System.currentTimeMillis();
    Processes.signal(b.pid(), "TERM");
    // Typically under 1 s (bench-cluster.sh); up to 5.7 s seen with the other tests running beside it.
    assertTrue(Processes.waitFor(10_000, () -> cluster.allOn(portA, false)),
        () -> "B's cameras run on A within 10 s of SIGTERM: " + describe(portA) + "\n" + cluster.logs());
    long handover = System.currentTimeMillis() - stoppedAt;
    // Live takes a new ffmpeg's first picture: under 1 s alone, 6 s seen on a machine busy with other tests.
    assertTrue(Processes.waitFor(20_000, () -> cluster.allOn(portA, true)), "and live: " + describe(portA));
    System.out.println("handover after SIGTERM: " + handover + " ms, live after " + (System.currentTimeMillis() - stoppedAt)
        + " ms");
    assertEquals(0, b.awaitExit(5000));

    // B comes back: cameras move to it one at a time, make-before-break: a camera runs on both nodes only for
    // the moment of its move.
    long restartedAt = System.currentTimeMillis();
    try (FfmpegCensus census = new FfmpegCensus(cluster)) {
      JarProcess again = cluster.start("b2");
      int portB2 = again.awaitStarted(START_MILLIS);
      assertTrue(Processes.waitFor(20_000, () -> cluster.liveAndHalved(portA, portB2)), "spread again: " + describe(portA));
      assertEquals(Optional.empty(), census.firstBeyondOneMove(restartedAt, MOVE_OVERLAP_MILLIS),
          "more than one move at once, or a move that lasted");
      assertExactlyOneFfmpegPerCamera(1000);
      return again;
    }
  }

  /** SIGKILL: the killed node's cameras run on A within 15 s, and a viewer reconnecting to A gets frames. */
  private void killedNodesCamerasMove(JarProcess a, int portA, JarProcess killed) throws Exception {
    String moved = cameraOf(owners(portA), nodeName(killed.awaitStarted(START_MILLIS)));
    long killedAt = System.currentTimeMillis();
    Processes.signal(killed.pid(), "KILL");
    assertTrue(Processes.waitFor(15_000, () -> cluster.allOn(portA, true)),
        () -> "the killed node's cameras live on A within 15 s: " + describe(portA) + "\n" + cluster.logs());
    long failover = System.currentTimeMillis() - killedAt;
    try (ViewerClient viewer = ViewerClient.connect(vertx, portA, "/ws/cameras/" + moved)) {
      assertTrue(viewer.awaitFrames(3, 10_000), "a reconnecting viewer gets frames of the moved camera");
    }
    assertTrue(Processes.waitFor(3000, () -> a.ffmpegPids().size() == 4), "A runs all four: " + a.ffmpegPids());
    System.out.println("failover after SIGKILL: " + failover + " ms");
  }

  private static JsonObject camera(String id, String url) {
    return new JsonObject().put("id", id).put("url", url);
  }

  /** What one node answers, for failure messages: id=state@node ... */
  private static String describe(int port) {
    return cameras(port).stream().map(c -> c.getString("id") + "=" + c.getString("state") + "@" + c.getString("node"))
        .collect(Collectors.joining(" "));
  }

  /** Waits for both nodes, then for the four cameras live, two on each; the second node's port. */
  private int awaitSpread(JarProcess a, JarProcess b) {
    int portA = a.awaitStarted(START_MILLIS);
    int portB = b.awaitStarted(START_MILLIS);
    assertTrue(Processes.waitFor(30_000, () -> cluster.liveAndHalved(portA, portB)),
        () -> "four cameras live, two on each node: " + describe(portA) + "\n" + cluster.logs());
    return portB;
  }

  /** Bytes a node's event bus writes to other nodes during the next 3 s, from its /metrics. */
  private static long busBytesWrittenOver(int port) throws Exception {
    long before = busBytesWritten(port);
    Thread.sleep(3000);
    return busBytesWritten(port) - before;
  }

  private static long busBytesWritten(int port) throws Exception {
    String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return (long) metrics.lines().filter(l -> l.startsWith("vertx_eventbus_bytes_written_sum"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static String cameraOf(Map<String, String> owners, String node) {
    return owners.entrySet().stream().filter(e -> e.getValue().equals(node) && !e.getKey().equals("gate")).findFirst()
        .orElseThrow().getKey();
  }

  /** Hazelcast, the event bus and HTTP all listen where cluster.xml and the config say: loopback. */
  private static List<Integer> assertListensOnLoopbackOnly(long pid) throws Exception {
    Process ss = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
    List<String> mine = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
        .lines().filter(l -> l.contains("pid=" + pid + ",")).toList();
    assertTrue(ss.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(mine.size() >= 3, "HTTP, Hazelcast and the event bus: " + mine);
    List<Integer> ports = new ArrayList<>();
    for (String line : mine) {
      String local = line.trim().split("\\s+")[3];
      assertTrue(local.startsWith("127.0.0.1:") || local.startsWith("[::ffff:127.0.0.1]:"), "listens beyond loopback: " + line);
      ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
    }
    return ports;
  }

  /**
   * Hazelcast's members do not authenticate: the cluster's own name is what turns a stranger's client away.
   * One that knows only the shipped name ("visionroi") does not get in.
   */
  private static void assertAClientWithTheShippedNameIsTurnedAway(List<Integer> ports) {
    int hazelcast = ports.stream().filter(p -> p >= 5701 && p <= 5720).findFirst().orElseThrow();
    com.hazelcast.client.config.ClientConfig client = new com.hazelcast.client.config.ClientConfig();
    client.setClusterName("visionroi");
    client.setProperty("hazelcast.logging.type", "none");
    client.getNetworkConfig().addAddress("127.0.0.1:" + hazelcast);
    client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(2000);
    IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> com.hazelcast.client.HazelcastClient.newHazelcastClient(client).shutdown());
    assertTrue(refused.getMessage().contains("Unable to connect"), refused.getMessage());
  }

  /** The event-bus port (neither HTTP nor Hazelcast's 5701-5720) answers TLS with the cluster's own key. */
  private static void assertEventBusSpeaksTlsWithTheMembersKey(List<Integer> ports, int httpPort) throws Exception {
    int bus = ports.stream().filter(p -> p != httpPort && (p < 5701 || p > 5720)).findFirst().orElseThrow();
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String auth) {
      }

      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String auth) {
      }

      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", bus)) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      String subject = ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal().getName();
      assertEquals("CN=visionroi-test", subject, "the event bus is TLS with the members' key");
    }
  }

  private void assertExactlyOneFfmpegPerCamera(long forMillis) {
    long end = System.currentTimeMillis() + forMillis;
    do {
      Map<String, Long> counts = cluster.ffmpegPerCamera();
      assertEquals(Map.of("door", 1L, "hall", 1L, "yard", 1L, "gate", 1L), counts, "one ffmpeg per camera");
      assertEquals(4, cluster.nodes.stream().mapToLong(n -> ffmpegOf(n).size()).sum(), "no other ffmpeg");
      Processes.waitFor(100, () -> false);
    } while (System.currentTimeMillis() < end);
  }
}
