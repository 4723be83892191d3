package io.visionroi.bench;

import io.visionroi.support.ClusterNodes;
import io.visionroi.support.FfmpegCensus;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.visionroi.support.ClusterNodes.cameras;
import static io.visionroi.support.ClusterNodes.nodeName;
import static io.visionroi.support.ClusterNodes.owners;

/**
 * Two packaged-jar nodes of one cluster on loopback. Latency: 10 viewers on the node running a camera
 * and 10 on the other node, at the same time. Failover: the node running half of four cameras is killed
 * (SIGKILL) or stopped (SIGTERM), then started again, over repeats; the time until its cameras run on the
 * survivor and until they are live there. Rolling restart: three nodes, six real RTSP H.264 cameras, an MP4
 * viewer of every camera on every node; each node in turn stopped (SIGTERM) and started again: the longest gap
 * each viewer on the other nodes sees. Run by scripts/bench-cluster.sh; about 6 minutes.
 */
public final class ClusterBench {

  private static final int SECONDS = 20;
  private static final int VIEWERS = 10;
  private static final int TRIALS = 5;
  private static final long START_MILLIS = 60_000;
  private static final int ROLLING_CAMERAS = 6;

  private ClusterBench() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cluster-bench");
    String latency = latency(dir.resolve("latency"));
    String failover = failover(dir.resolve("failover"));
    String rolling = rollingRestart(dir.resolve("rolling"));
    BenchReport.writeSection("cluster", "## Cluster\n\n"
        + "`scripts/bench-cluster.sh` on " + LocalDate.now() + ", " + BenchReport.machine() + ". Two nodes "
        + "(`--cluster`, the shipped `conf/cluster.xml` under a cluster name of their own) on loopback.\n\n"
        + "**Cross-node viewing.** One camera `lavfi:testsrc2=size=640x480:rate=15`; " + VIEWERS + " viewers "
        + "(`?meta=1`) on the node running it and " + VIEWERS + " on the other node, all at once, " + SECONDS
        + " s. Latency: from the owner reading the frame off ffmpeg (`ts`) to the client receiving it (same "
        + "machine clock). Target: remote p99 at most 5 ms above local p99.\n\n"
        + "| viewers | frames each (min) | latency p50 | latency p99 |\n| --- | --- | --- | --- |\n" + latency
        + "\n**Failover.** Four cameras `lavfi:testsrc2=size=320x240:rate=10`, two on each node; the second "
        + "node is killed or stopped, then started again and given its share back before the next trial. "
        + "*Running*: all four cameras run on the survivor (API on the survivor); *live*: and show video. "
        + "Targets: SIGKILL within 15 s, SIGTERM within 3 s.\n\n"
        + "| signal | trials | running p50 | running max | live p50 | live max |\n"
        + "| --- | --- | --- | --- | --- | --- |\n" + failover
        + "\n**Rolling restart.** Three nodes; " + ROLLING_CAMERAS + " GStreamer RTSP H.264 cameras (160x120@10, a "
        + "keyframe every 2 s, one encoder per camera kept running by a plain client, so a new session waits for "
        + "the next keyframe as on a real camera), two on each node; an MP4 viewer of every camera on every node. "
        + "Each node in turn gets SIGTERM (its cameras are handed over make-before-break), then starts again and "
        + "gets two cameras back (one move at a time). *Gap*: the longest time without a fragment at a viewer on "
        + "the two other nodes, from the SIGTERM until the cameras are spread again, over all their viewers "
        + "(the frame interval is 100 ms); *beyond one move*: 100 ms samples of the processes, while the node "
        + "comes back, with two cameras moving at once or a camera on two ffmpeg for over 6 s. Target: gap ≤ "
        + "0.5 s, beyond one move 0.\n\n"
        + "| step | gap max | gap p50 over viewers | back in | beyond one move |\n| --- | --- | --- | --- | --- |\n"
        + rolling);
    System.exit(0);
  }

  private static String latency(Path dir) throws Exception {
    JsonObject config = new JsonObject().put("cameras", new JsonArray()
        .add(new JsonObject().put("id", "cam").put("url", "lavfi:testsrc2=size=640x480:rate=15")));
    Vertx vertx = Vertx.vertx();
    try (ClusterNodes cluster = new ClusterNodes(dir, config)) {
      int portA = cluster.start("a").awaitStarted(START_MILLIS);
      int portB = cluster.start("b").awaitStarted(START_MILLIS);
      require(Processes.waitFor(30_000, () -> cameras(portA).stream()
          .anyMatch(c -> "live".equals(c.getString("state")))), "the camera is live");
      int local = owners(portA).get("cam").equals(nodeName(portA)) ? portA : portB;
      int remote = local == portA ? portB : portA;
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20).setMaxConnections(2 * VIEWERS + 4));
      List<MetaViewer> near = new ArrayList<>();
      List<MetaViewer> far = new ArrayList<>();
      for (int i = 0; i < VIEWERS; i++) {
        near.add(MetaViewer.connect(client, local, "cam"));
        far.add(MetaViewer.connect(client, remote, "cam"));
      }
      Thread.sleep(3000); // warm up: JIT, connections, the remote subscription
      near.forEach(v -> v.measuring = true);
      far.forEach(v -> v.measuring = true);
      Thread.sleep(SECONDS * 1000L);
      near.forEach(v -> v.measuring = false);
      far.forEach(v -> v.measuring = false);
      client.close();
      return row("on the camera's node", near) + row("on the other node", far);
    } finally {
      vertx.close();
    }
  }

  private static String row(String where, List<MetaViewer> viewers) {
    List<Long> latencies = viewers.stream().flatMap(v -> v.latencies.stream()).toList();
    int fewest = viewers.stream().mapToInt(v -> v.seqs.size()).min().orElse(0);
    return String.format(Locale.ROOT, "| %d %s | %d | %d ms | %d ms |%n", viewers.size(), where, fewest,
        BenchReport.percentile(latencies, 0.5), BenchReport.percentile(latencies, 0.99));
  }

  private static String failover(Path dir) throws Exception {
    JsonArray four = new JsonArray();
    for (String id : List.of("a", "b", "c", "d")) {
      four.add(new JsonObject().put("id", id).put("url", "lavfi:testsrc2=size=320x240:rate=10"));
    }
    List<Long> killRun = new ArrayList<>();
    List<Long> killLive = new ArrayList<>();
    List<Long> termRun = new ArrayList<>();
    List<Long> termLive = new ArrayList<>();
    try (ClusterNodes cluster = new ClusterNodes(dir, new JsonObject().put("cameras", four))) {
      int survivor = cluster.start("survivor").awaitStarted(START_MILLIS);
      for (int trial = 0; trial < 2 * TRIALS; trial++) {
        JarProcess victim = cluster.start("victim" + trial);
        int victimPort = victim.awaitStarted(START_MILLIS);
        require(Processes.waitFor(60_000, () -> cluster.liveAndHalved(survivor, victimPort)), "two cameras on each node");
        boolean kill = trial % 2 == 0;
        long begin = System.currentTimeMillis();
        Processes.signal(victim.pid(), kill ? "KILL" : "TERM");
        require(Processes.waitFor(30_000, () -> cluster.allOn(survivor, false)), "cameras moved");
        long running = System.currentTimeMillis() - begin;
        require(Processes.waitFor(30_000, () -> cluster.allOn(survivor, true)), "cameras live");
        long live = System.currentTimeMillis() - begin;
        (kill ? killRun : termRun).add(running);
        (kill ? killLive : termLive).add(live);
        System.out.printf(Locale.ROOT, "%s: running after %d ms, live after %d ms%n", kill ? "SIGKILL" : "SIGTERM",
            running, live);
        victim.awaitExit(10_000);
      }
    }
    return failoverRow("SIGKILL", killRun, killLive) + failoverRow("SIGTERM", termRun, termLive);
  }

  private static String rollingRestart(Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    List<RtspCamera> rtsp = new ArrayList<>();
    List<ViewerClient> viewers = new ArrayList<>();
    StringBuilder rows = new StringBuilder();
    try {
      JsonArray cameras = new JsonArray();
      for (int i = 0; i < ROLLING_CAMERAS; i++) {
        RtspCamera camera = RtspCamera.h264(2).size("160x120").fps(10).shared().alwaysWatched().start();
        rtsp.add(camera);
        cameras.add(new JsonObject().put("id", "c" + i).put("url", camera.url()));
      }
      try (ClusterNodes cluster = new ClusterNodes(dir, new JsonObject().put("cameras", cameras))) {
        List<JarProcess> nodes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("n0", "n1", "n2")) {
          nodes.add(cluster.start(name));
        }
        nodes.forEach(n -> ports.add(n.awaitStarted(START_MILLIS)));
        require(Processes.waitFor(90_000, () -> cluster.liveAndSpread(ports)), "six cameras live, two on each node");
        for (int port : ports) {
          viewers.addAll(mp4Viewers(vertx, port));
        }
        for (int step = 0; step < nodes.size(); step++) {
          int stopped = ports.get(step);
          List<ViewerClient> others = viewers.stream().filter(v -> v.port != stopped).toList();
          try (FfmpegCensus census = new FfmpegCensus(cluster)) {
            long stoppedAt = System.currentTimeMillis();
            Processes.signal(nodes.get(step).pid(), "TERM");
            nodes.get(step).awaitExit(15_000);
            viewers.removeIf(v -> v.port == stopped);
            long restartedAt = System.currentTimeMillis();
            JarProcess again = cluster.start("n" + step + "-again");
            nodes.set(step, again);
            ports.set(step, again.awaitStarted(START_MILLIS));
            require(Processes.waitFor(90_000, () -> cluster.liveAndSpread(ports)), "spread again after step " + step);
            long backIn = System.currentTimeMillis() - restartedAt;
            Thread.sleep(2000);
            List<Long> gaps = others.stream().map(v -> v.longestGapSince(stoppedAt)).sorted().toList();
            long beyond = FfmpegCensus.beyondOneMove(census.samplesFrom(restartedAt), 6000).size();
            String row = String.format(Locale.ROOT, "| node %d stopped and started again | %d ms | %d ms | %.1f s | %d |%n",
                step + 1, gaps.get(gaps.size() - 1), BenchReport.percentile(gaps, 0.5), backIn / 1000.0, beyond);
            System.out.print(row);
            rows.append(row);
          }
          viewers.addAll(mp4Viewers(vertx, ports.get(step)));
        }
      }
    } finally {
      viewers.forEach(ViewerClient::close);
      rtsp.forEach(RtspCamera::close);
      vertx.close();
    }
    return rows.toString();
  }

  /** An MP4 viewer of every camera, on one node, each with its first fragments. */
  private static List<ViewerClient> mp4Viewers(Vertx vertx, int port) throws Exception {
    List<ViewerClient> made = new ArrayList<>();
    for (int i = 0; i < ROLLING_CAMERAS; i++) {
      ViewerClient viewer = ViewerClient.connect(vertx, port, "/ws/cameras/c" + i + "?format=mp4");
      require(viewer.awaitFrames(3, 15_000), "an MP4 viewer of c" + i + " on " + port);
      made.add(viewer);
    }
    return made;
  }

  private static String failoverRow(String signal, List<Long> running, List<Long> live) {
    return String.format(Locale.ROOT, "| %s | %d | %d ms | %d ms | %d ms | %d ms |%n", signal, running.size(),
        BenchReport.percentile(running, 0.5), BenchReport.percentile(running, 1), BenchReport.percentile(live, 0.5),
        BenchReport.percentile(live, 1));
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("bench setup failed: " + what);
    }
  }
}
