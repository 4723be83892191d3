package io.visionroi.service;

import io.visionroi.support.Processes;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One lavfi camera through real ffmpeg, real HTTP and real WebSockets. */
class LiveViewTest {

  private static RunningService service;

  @BeforeAll
  static void start() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "pattern", "name": "Pattern", "url": "lavfi:testsrc2=size=320x240:rate=10"}]}"""));
    assertTrue(Processes.waitFor(10_000, () -> {
      try {
        return "live".equals(service.getJson("/api/cameras/pattern").getString("state"));
      } catch (Exception e) {
        return false;
      }
    }), "camera goes live");
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  @Test
  void viewerReceivesCompleteJpegsAtTheSourceRate() throws Exception {
    try (ViewerClient viewer = service.viewer("pattern")) {
      assertTrue(viewer.awaitFrames(1, 5000));
      int before = viewer.frames.size();
      long readBefore = service.getJson("/api/cameras/pattern").getLong("frames");
      Thread.sleep(3000);
      int received = viewer.frames.size() - before;
      long read = service.getJson("/api/cameras/pattern").getLong("frames") - readBefore;
      assertTrue(Math.abs(received - read) <= 3, received + " received of " + read + " read: every frame, none twice");
      assertTrue(received >= 15 && received <= 45, "about 10 fps for 3 s, got " + received);
      viewer.frames.forEach(f -> assertTrue(ViewerClient.isJpeg(f), "every binary message is one JPEG"));
    }
  }

  @Test
  void viewerGetsItsCameraStatusOnConnect() throws Exception {
    try (ViewerClient viewer = service.viewer("pattern")) {
      assertTrue(Processes.waitFor(5000, () -> !viewer.texts.isEmpty()));
      JsonObject status = viewer.texts.get(0);
      assertEquals("status", status.getString("type"));
      assertEquals("live", status.getString("state"));
    }
  }

  @Test
  void metaPrecedesEachFrameWithItsSequenceAndReadTime() throws Exception {
    try (ViewerClient viewer = service.viewer("pattern?meta=1")) {
      assertTrue(viewer.awaitFrames(5, 5000));
      long before = System.currentTimeMillis();
      JsonObject meta = viewer.texts.stream().filter(t -> "frame".equals(t.getString("type"))).reduce((a, b) -> b)
          .orElseThrow();
      assertTrue(meta.getLong("seq") > 0);
      assertTrue(before - meta.getLong("ts") < 2000, "ts is the epoch ms when the frame was read");
    }
  }

  @Test
  void aliasPathStreamsToo() throws Exception {
    try (ViewerClient viewer = ViewerClient.connect(service.vertx, service.port, "/ws/pattern")) {
      assertTrue(viewer.awaitFrames(2, 5000));
    }
  }

  @Test
  void snapshotIsTheLatestJpeg() throws Exception {
    HttpResponse<byte[]> response = service.get("/api/cameras/pattern/snapshot.jpg");
    assertEquals(200, response.statusCode());
    assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(ViewerClient.isJpeg(io.vertx.core.buffer.Buffer.buffer(response.body())));
  }

  @Test
  void cameraApiAnswersTheContractFieldsAndFfmpegLeadsItsOwnGroup() throws Exception {
    JsonArray all = new JsonArray(new String(service.get("/api/cameras").body()));
    assertEquals(1, all.size());
    JsonObject camera = service.getJson("/api/cameras/pattern");
    for (String key : new String[] {"id", "name", "node", "state", "fps", "lastFrameAgeMs", "frames", "restarts",
        "pid", "lastError", "url"}) {
      assertTrue(camera.containsKey(key), "has " + key);
    }
    assertEquals("Pattern", camera.getString("name"));
    long pid = camera.getLong("pid");
    assertEquals(pid, Processes.processGroup(pid), "ffmpeg's pid is its process group");
  }

  @Test
  void unknownCameraIs404JsonOnRestAndOnTheWebSocketUpgrade() throws Exception {
    HttpResponse<byte[]> response = service.get("/api/cameras/nope");
    assertEquals(404, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(new JsonObject(new String(response.body())).getString("error").contains("nope"));
    assertEquals(404, service.get("/api/cameras/nope/snapshot.jpg").statusCode());
    assertEquals(404, service.post("/api/cameras/nope/restart").statusCode());

    for (String path : new String[] {"/ws/cameras/nope", "/ws/nope"}) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> ViewerClient.connect(service.vertx, service.port, path));
      assertEquals(404, assertInstanceOf(UpgradeRejectedException.class, e.getCause()).getStatus());
    }
  }

  @Test
  void badRequestsGetJsonErrors() throws Exception {
    HttpResponse<byte[]> notFound = service.get("/api/nothing-here");
    assertEquals(404, notFound.statusCode());
    assertTrue(new JsonObject(new String(notFound.body())).containsKey("error"));
    HttpResponse<byte[]> wrongMethod = service.get("/api/cameras/pattern/restart");
    assertEquals(405, wrongMethod.statusCode());
    assertTrue(new JsonObject(new String(wrongMethod.body())).containsKey("error"));
  }

  private static double metric(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
  }

  @Test
  void metricsMoveAsFramesFlow() throws Exception {
    try (ViewerClient viewer = service.viewer("pattern")) {
      assertTrue(viewer.awaitFrames(2, 5000));
      String before = new String(service.get("/metrics").body());
      Thread.sleep(1500);
      String after = new String(service.get("/metrics").body());
      String read = "visionroi_camera_frames_read_total{camera=\"pattern\"}";
      String sent = "visionroi_camera_frames_sent_total{camera=\"pattern\"}";
      assertTrue(metric(after, read) >= metric(before, read) + 10, "frames read move");
      assertTrue(metric(after, sent) >= metric(before, sent) + 10, "frames sent move");
      assertTrue(metric(after, "visionroi_camera_bytes_sent_total{camera=\"pattern\"}") > 0);
      assertEquals(1.0, metric(after, "visionroi_camera_state{camera=\"pattern\",state=\"live\"}"));
      assertEquals(0.0, metric(after, "visionroi_camera_state{camera=\"pattern\",state=\"outage\"}"));
      assertTrue(metric(after, "visionroi_camera_viewers{camera=\"pattern\"}") >= 1);
      assertTrue(metric(after, "visionroi_camera_last_frame_age_seconds{camera=\"pattern\"}") < 1);
      assertTrue(after.contains("jvm_memory_used_bytes"), "JVM metrics too");
    }
  }

  @Test
  void readinessIsUpWithAnAcceptedConfig() throws Exception {
    HttpResponse<byte[]> ready = service.get("/readyz");
    assertEquals(200, ready.statusCode());
    assertEquals("UP", new JsonObject(new String(ready.body())).getString("status"));
  }

  @Test
  void healthCountsCamerasByState() throws Exception {
    JsonObject health = service.getJson("/healthz");
    assertEquals("UP", health.getString("status"));
    // Liveness answers from counts refreshed every 2 s, never waiting on a camera.
    assertTrue(Processes.waitFor(5000, () -> {
      try {
        return service.getJson("/healthz").getJsonObject("cameras").getInteger("live") == 1;
      } catch (Exception e) {
        return false;
      }
    }));
  }

  @Test
  void restartReplacesTheFfmpegGroup() throws Exception {
    long before = service.getJson("/api/cameras/pattern").getLong("pid");
    long restarts = service.getJson("/api/cameras/pattern").getLong("restarts");
    assertEquals(202, service.post("/api/cameras/pattern/restart").statusCode());
    assertTrue(Processes.waitFor(5000, () -> !Processes.isRunning(before)), "old ffmpeg gone");
    assertTrue(Processes.waitFor(5000, () -> {
      try {
        JsonObject now = service.getJson("/api/cameras/pattern");
        return now.getLong("pid") != null && now.getLong("pid") != before && "live".equals(now.getString("state"));
      } catch (Exception e) {
        return false;
      }
    }), "a new ffmpeg runs and the camera is live");
    JsonObject after = service.getJson("/api/cameras/pattern");
    assertNotEquals(before, after.getLong("pid"));
    assertEquals(restarts + 1, after.getLong("restarts"));
    assertFalse(Processes.isRunning(before));
  }
}
