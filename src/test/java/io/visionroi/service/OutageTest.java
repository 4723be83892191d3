package io.visionroi.service;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.Processes;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cameras that fail, with real ffmpeg, real signals and real viewers. Short timings
 * (outageGrace 1 s, outageRetry 0.5 s) keep the suite fast; the margins are the contract's.
 */
class OutageTest {

  private static final long GRACE = 1000;
  private static final long RETRY = 500;

  private RunningService service;
  private FakeMjpegCamera camera;

  private static JsonObject config(String cameras) {
    return new JsonObject("{\"stream\": {\"outageGrace\": 1.0, \"outageRetry\": 0.5}, \"cameras\": " + cameras + "}");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) {
      service.close();
    }
    if (camera != null) {
      camera.close();
    }
  }

  @Test
  void frozenCameraClosesViewersWith1013AndVideoComesBackAfterThaw() throws Exception {
    camera = new FakeMjpegCamera("320x240").start();
    service = RunningService.start(config("[{\"id\": \"door\", \"url\": \"" + camera.url() + "\"}]"));
    assertTrue(service.awaitState("door", "live", 10_000), "live from the fake camera");

    ViewerClient viewer = service.viewer("door");
    assertTrue(viewer.awaitFrames(3, 5000));
    camera.freeze();
    ViewerClient.Close close = viewer.awaitClose(GRACE + 3000);
    long lastFrame = viewer.frameTimes.get(viewer.frameTimes.size() - 1);
    assertEquals(1013, close.code());
    assertEquals("camera outage", close.reason());
    assertTrue(close.atMillis() - lastFrame <= GRACE + 1500,
        "closed " + (close.atMillis() - lastFrame) + " ms after the last frame");
    assertEquals("outage", service.status("door").getString("state"));

    // A viewer that comes during the outage is sent away within outageRetry.
    ViewerClient late = service.viewer("door");
    long connectedAt = System.currentTimeMillis();
    ViewerClient.Close lateClose = late.awaitClose(RETRY + 2000);
    assertEquals(1013, lateClose.code());
    assertTrue(lateClose.atMillis() - connectedAt <= RETRY + 1000,
        "closed " + (lateClose.atMillis() - connectedAt) + " ms after connecting");

    camera.thaw();
    ViewerClient back = service.reconnectUntilFrames("door", 10_000);
    assertNotNull(back, "a reconnecting viewer gets frames after the camera returns");
    assertTrue(back.awaitFrames(5, 3000));
    back.frames.forEach(f -> assertTrue(ViewerClient.isJpeg(f)));
    back.close();
    assertEquals("live", service.status("door").getString("state"));
  }

  @Test
  void cameraStoppedAndStartedAgainComesBackLive() throws Exception {
    camera = new FakeMjpegCamera("320x240").start();
    service = RunningService.start(config("[{\"id\": \"gate\", \"url\": \"" + camera.url() + "\"}]"));
    assertTrue(service.awaitState("gate", "live", 10_000));
    camera.stop();
    assertTrue(service.awaitState("gate", "outage", GRACE + 1500));
    assertTrue(Processes.waitFor(3000, () -> service.status("gate").getString("lastError") != null));
    camera.start();
    assertTrue(service.awaitState("gate", "live", 5000), "live again within the retry pace");
  }

  @Test
  void hungFfmpegIsKilledAsAGroupAndReplaced() throws Exception {
    service = RunningService.start(config("[{\"id\": \"p\", \"url\": \"lavfi:testsrc2=size=160x120:rate=10\"}]"));
    assertTrue(service.awaitState("p", "live", 10_000));
    long hung = service.status("p").getLong("pid");
    Processes.signal(hung, "STOP");
    long stoppedAt = System.currentTimeMillis();
    assertTrue(Processes.waitFor(GRACE + 3000, () -> !Processes.isRunning(hung)), "hung ffmpeg killed");
    assertTrue(System.currentTimeMillis() - stoppedAt <= GRACE + 1000);
    assertTrue(service.awaitState("p", "live", 5000), "replaced and live again");
    JsonObject now = service.status("p");
    assertTrue(now.getLong("restarts") >= 1);
    assertFalse(Processes.isRunning(hung), "no zombie: reaped");
    assertEquals(now.getLong("pid"), Processes.processGroup(now.getLong("pid")));
  }

  @Test
  void badUrlFailsAloneWhileTheOtherCameraStaysLive() throws Exception {
    service = RunningService.start(config("""
        [{"id": "good", "url": "lavfi:testsrc2=size=160x120:rate=10"},
         {"id": "bad", "url": "/nonexistent/camera.mp4"}]"""));
    assertTrue(service.awaitState("bad", "failed", 5000));
    assertTrue(service.status("bad").getString("lastError").contains("No such file or directory"));
    assertTrue(service.awaitState("good", "live", 5000));
    try (ViewerClient viewer = service.viewer("good")) {
      assertTrue(viewer.awaitFrames(5, 3000));
    }
    try (ViewerClient viewer = service.viewer("bad")) {
      assertEquals(1013, viewer.awaitClose(RETRY + 2000).code(), "a viewer of a failed camera is sent away too");
    }
  }

  @Test
  void missingFfmpegBinaryFailsTheCameraWithAClearError() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"ffmpeg": {"path": "/opt/none/ffmpeg"}, "cameras": [{"id": "x", "url": "lavfi:testsrc2"}]}"""));
    assertTrue(service.awaitState("x", "failed", 5000));
    String error = service.status("x").getString("lastError");
    assertTrue(error.contains("/opt/none/ffmpeg") && error.contains("ffmpeg.path"), error);
  }
}
