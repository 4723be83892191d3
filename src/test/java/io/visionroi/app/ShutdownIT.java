package io.visionroi.app;

import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar stopped by real signals, as systemd and Ctrl-C do: exit 0 within 2 s, viewers closed
 * with 1001, no ffmpeg left, even with a SIGSTOPped ffmpeg and a camera in outage.
 */
class ShutdownIT {

  private static final int CAMERAS = 16;
  private static final long STOP_LIMIT_MILLIS = 2000;
  private static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject sixteenCameras() {
    JsonArray cameras = new JsonArray();
    for (int i = 0; i < CAMERAS - 1; i++) {
      cameras.add(new JsonObject().put("id", "c" + i).put("url", "lavfi:testsrc2=size=160x120:rate=5"));
    }
    // A camera whose source is unreachable: in outage while the service stops.
    cameras.add(new JsonObject().put("id", "down").put("url", "http://127.0.0.1:9/none"));
    return new JsonObject().put("stream", new JsonObject().put("outageGrace", 1.0).put("outageRetry", 0.5))
        .put("cameras", cameras);
  }

  private void stopsCleanly(String signal, boolean twice) throws Exception {
    // SIGINT as a job started with '&' gets it: ignored from the start, which is the hard case.
    try (JarProcess jar = signal.equals("INT") ? JarProcess.startAsBackgroundJob(dir, sixteenCameras())
        : JarProcess.start(dir, sixteenCameras())) {
      int port = jar.awaitStarted(20_000);
      assertTrue(Processes.waitFor(15_000, () -> jar.ffmpegPids().size() >= CAMERAS - 1), "ffmpeg per camera");
      List<ViewerClient> viewers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ViewerClient viewer = ViewerClient.connect(vertx, port, "/ws/cameras/c" + i);
        assertTrue(viewer.awaitFrames(1, 10_000), "viewer " + i + " gets frames");
        viewers.add(viewer);
      }
      long hung = jar.ffmpegPids().get(0);
      Processes.signal(hung, "STOP");
      List<Long> ffmpeg = jar.ffmpegPids();

      long begin = System.nanoTime();
      Processes.signal(jar.pid(), signal);
      if (twice) {
        Thread.sleep(50);
        Processes.signal(jar.pid(), signal);
      }
      int code = jar.awaitExit(10_000);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

      assertEquals(0, code, String.join("\n", jar.output));
      assertTrue(tookMillis <= STOP_LIMIT_MILLIS, "stopped in " + tookMillis + " ms");
      for (long pid : ffmpeg) {
        assertFalse(Processes.isRunning(pid), "ffmpeg " + pid + " left behind");
      }
      for (ViewerClient viewer : viewers) {
        assertEquals(1001, viewer.awaitClose(2000).code(), "viewer told the service is going away");
        viewer.close();
      }
      System.out.println("stop on " + signal + (twice ? " x2" : "") + ": " + tookMillis + " ms");
    }
  }

  @Test
  void sigtermStopsEverythingQuickly() throws Exception {
    stopsCleanly("TERM", false);
  }

  @Test
  void sigintStopsEverythingQuickly() throws Exception {
    stopsCleanly("INT", false);
  }

  @Test
  void aSecondSigtermDoesNotBreakTheStop() throws Exception {
    stopsCleanly("TERM", true);
  }
}
