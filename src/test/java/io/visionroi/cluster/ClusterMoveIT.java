package io.visionroi.cluster;

import io.visionroi.support.ClusterNodes;
import io.visionroi.support.FfmpegCensus;
import io.visionroi.support.FreePort;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.ToolRun;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static io.visionroi.support.ClusterNodes.cameras;
import static io.visionroi.support.ClusterNodes.nodeName;
import static io.visionroi.support.ClusterNodes.owners;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cameras that move on purpose move make-before-break: four real RTSP H.264 cameras (a keyframe every 2 s,
 * one encoder for all sessions, kept running by a plain client, so a new session waits for the next keyframe
 * as on a real camera) watched as MP4 by viewers on
 * node A, while node B joins (two cameras move to it), stops with SIGTERM (they move back) and joins again.
 * No viewer sees a gap in its fragments beyond the bound at any step, an RTSP reader of A's re-stream keeps
 * its session and a forward clock throughout, and a camera runs twice only for the moment of its move, one
 * move at a time when balancing.
 */
class ClusterMoveIT {

  private static final long START_MILLIS = 40_000;
  /** A break-before-make move costs a new session and its first keyframe: 1.7-1.8 s here; these moves, 0.1 s. */
  private static final long GAP_BOUND_MILLIS = 500;
  /** A move's two ffmpeg: the new one's first keyframe (every 2 s), a request and a kill; busy machine. */
  private static final long MOVE_OVERLAP_MILLIS = 6000;
  private static final List<String> IDS = List.of("c1", "c2", "c3", "c4");

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final List<RtspCamera> rtsp = new ArrayList<>();
  private final Map<String, ViewerClient> viewers = new LinkedHashMap<>();
  private final Map<String, ToolRun> readers = new LinkedHashMap<>();
  private ClusterNodes cluster;

  @AfterEach
  void stopAll() {
    viewers.values().forEach(ViewerClient::close);
    readers.values().forEach(ToolRun::close);
    if (cluster != null) {
      cluster.close();
    }
    rtsp.forEach(RtspCamera::close);
    vertx.close();
  }

  @Test
  void viewersSeeNoGapWhileANodeJoinsStopsAndJoinsAgain() throws Exception {
    JsonArray cameras = new JsonArray();
    for (String id : IDS) {
      RtspCamera camera = RtspCamera.h264(2).size("160x120").fps(10).shared().alwaysWatched().start();
      rtsp.add(camera);
      cameras.add(new JsonObject().put("id", id).put("url", camera.url()));
    }
    cluster = new ClusterNodes(dir, new JsonObject().put("cameras", cameras));
    int rtspPortA = FreePort.onLoopback();
    JarProcess a = cluster.start("a", "RTSP_PORT=" + rtspPortA);
    int portA = a.awaitStarted(START_MILLIS);
    assertTrue(Processes.waitFor(30_000, () -> cluster.allOn(portA, true)), () -> describe(portA));
    for (String id : IDS) {
      ViewerClient viewer = ViewerClient.connect(vertx, portA, "/ws/cameras/" + id + "?format=mp4");
      assertTrue(viewer.awaitFrames(5, 10_000), id + " plays on A");
      viewers.put(id, viewer);
      // An NVR's reader of A's re-stream, whichever node runs the camera: one session, a clock going forward.
      readers.put(id, ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-stats",
          "-rtsp_transport", "tcp", "-i", "rtsp://127.0.0.1:" + rtspPortA + "/" + id, "-c", "copy",
          "-f", "matroska", "-y", "/dev/null"));
    }

    try (FfmpegCensus census = new FfmpegCensus(cluster)) {
      JarProcess b = joinAndStep("b", "B joins", portA, census);

      long stoppedAt = System.currentTimeMillis();
      Processes.signal(b.pid(), "TERM");
      assertEquals(0, b.awaitExit(10_000));
      assertTrue(Processes.waitFor(10_000, () -> cluster.allOn(portA, true)), () -> describe(portA));
      Thread.sleep(1000);
      step("B stops (SIGTERM)", stoppedAt, census, false);

      joinAndStep("b2", "B joins again", portA, census);
    }
    readers.forEach((id, reader) -> {
      assertTrue(reader.isAlive(), id + "'s RTSP reader kept its session through the moves: " + reader.output());
      assertTrue(!reader.output().contains("Non-monoton"), id + "'s RTSP clock went forward: " + reader.output());
    });
  }

  /** A node joins: two of A's cameras move to it; then the step's checks. */
  private JarProcess joinAndStep(String name, String what, int portA, FfmpegCensus census) throws Exception {
    long joinedAt = System.currentTimeMillis();
    JarProcess b = cluster.start(name);
    int portB = b.awaitStarted(START_MILLIS);
    assertTrue(Processes.waitFor(40_000, () -> cluster.liveAndHalved(portA, portB)),
        () -> what + ": two cameras moved to it: " + describe(portA) + "\n" + cluster.logs());
    Thread.sleep(1000);
    step(what, joinedAt, census, true);
    return b;
  }

  /**
   * Since {@code from}: every viewer's longest gap between fragments within the bound, none closed; the
   * ffmpeg census within make-before-break (one move at a time when {@code oneAtATime}).
   */
  private void step(String what, long from, FfmpegCensus census, boolean oneAtATime) {
    Map<String, Long> gaps = new LinkedHashMap<>();
    viewers.forEach((id, viewer) -> gaps.put(id, viewer.longestGapSince(from)));
    System.out.printf("%s: longest gap per MP4 viewer on A %s ms%n", what, gaps);
    viewers.forEach((id, viewer) -> assertTrue(!viewer.closed.isDone(), what + ": " + id + "'s viewer was closed"));
    gaps.forEach((id, gap) -> assertTrue(gap <= GAP_BOUND_MILLIS,
        () -> what + ": " + id + "'s viewer saw no fragment for " + gap + " ms\n" + cluster.logs()));
    Optional<FfmpegCensus.Sample> beyond = oneAtATime ? census.firstBeyondOneMove(from, MOVE_OVERLAP_MILLIS)
        : census.samplesFrom(from).stream().filter(s -> s.counts().values().stream().anyMatch(n -> n > 2)).findFirst();
    assertEquals(Optional.empty(), beyond, what + ": ffmpeg beyond make-before-break moves");
  }

  private static String describe(int port) {
    return cameras(port).stream().map(c -> c.getString("id") + "=" + c.getString("state") + "@" + c.getString("node"))
        .collect(Collectors.joining(" ")) + " owners " + owners(port) + " from " + nodeName(port);
  }
}
