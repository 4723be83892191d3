package io.visionroi.app;

import io.visionroi.support.JarApi;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.Resources;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cameras whose groups of pictures do not fit the heap, in the packaged jar: a 48 MB heap and eight main
 * streams of 4 Mbit/s with a keyframe every 10 s (5 MB groups; eight sessions of one GStreamer camera).
 * Keeping every group ran out of memory within seconds (the service exited); the node's video budget keeps
 * what fits, every viewer gets every frame, and new viewers wait for the next keyframe.
 */
class VideoBudgetIT {

  private static final int CAMERAS = 8;
  private static final int FPS = 10;
  private static final int WINDOW_SECONDS = 15;

  private final Resources opened = new Resources();

  @AfterEach
  void tearDown() throws Exception {
    opened.close();
  }

  @Test
  void longGroupsOfHighBitrateCamerasStayWithinTheBudgetAndNoViewerStarves(@TempDir Path dir) throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(10).size("640x480").fps(FPS).noisyAt(4000).shared().start());
    JsonArray cameras = new JsonArray();
    for (int i = 0; i < CAMERAS; i++) {
      cameras.add(new JsonObject().put("id", "c" + i).put("url", camera.url()));
    }
    JarProcess jar = opened.open(JarProcess.startWithHeap(dir, new JsonObject().put("cameras", cameras), "48m"));
    int port = jar.awaitStarted(30_000);
    JarApi api = new JarApi(port);
    assertTrue(Processes.waitFor(30_000, () -> api.liveCameras() == CAMERAS), "all live: " + api.get("/api/cameras"));

    Vertx vertx = Vertx.vertx();
    opened.open(() -> vertx.close().await());
    List<ViewerClient> viewers = new ArrayList<>();
    for (int i = 0; i < CAMERAS; i++) {
      viewers.add(opened.open(ViewerClient.connect(vertx, port, "/ws/cameras/c" + i + "?format=mp4")));
    }
    // every viewer has started (its first keyframe came) before the window
    assertTrue(Processes.waitFor(15_000, () -> viewers.stream().allMatch(v -> v.frames.size() >= 2)),
        "every viewer got its init segment and a keyframe");
    int[] before = viewers.stream().mapToInt(v -> v.frames.size()).toArray();
    ViewerClient late = opened.open(ViewerClient.connect(vertx, port, "/ws/cameras/c0?format=mp4"));
    double budget = api.metric("visionroi_video_budget_bytes ");
    double keptMost = 0;
    long end = System.currentTimeMillis() + WINDOW_SECONDS * 1000L;
    while (System.currentTimeMillis() < end) {
      keptMost = Math.max(keptMost, api.metric("visionroi_video_kept_bytes "));
      Thread.sleep(500);
    }

    assertTrue(jar.process.isAlive(), "the service runs:\n" + String.join("\n", jar.output));
    for (int i = 0; i < CAMERAS; i++) {
      int got = viewers.get(i).frames.size() - before[i];
      assertTrue(got >= WINDOW_SECONDS * FPS * 9 / 10, "viewer of c" + i + " got " + got + " frames in "
          + WINDOW_SECONDS + " s at " + FPS + " fps");
      assertTrue(!viewers.get(i).closed.isDone(), "viewer of c" + i + " still connected");
    }
    assertTrue(keptMost > 0 && keptMost <= budget, "video kept " + keptMost + " of a budget of " + budget);
    assertTrue(late.awaitFrames(2, 1000), "a viewer that came later got a picture at the next keyframe");
    List<JsonObject> statuses = api.statuses();
    for (JsonObject status : statuses) {
      assertEquals("live", status.getString("state"), status.encode());
      assertEquals(0L, status.getLong("restarts"), status.encode());
    }
    assertTrue(statuses.stream().anyMatch(s -> "keyframe".equals(s.getString("replay"))),
        "the status says which cameras' new viewers wait for a keyframe: " + statuses);
  }
}
