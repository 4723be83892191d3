package io.visionroi.service;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.Processes;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-camera options with real ffmpeg: on-demand start and stop, MJPEG pass-through, disabled cameras. */
class CameraOptionsTest {

  private static String commandLine(long pid) throws Exception {
    return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
  }

  @Test
  void onDemandCameraRunsFfmpegOnlyWhileWatched() throws Exception {
    try (RunningService service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "lazy", "url": "lavfi:testsrc2=size=160x120:rate=10", "onDemand": true, "idleStop": 1},
                     {"id": "off", "url": "lavfi:testsrc2", "enabled": false}]}"""))) {
      Thread.sleep(1000);
      assertEquals("stopped", service.status("lazy").getString("state"));
      assertNull(service.status("lazy").getValue("pid"), "no ffmpeg before a viewer comes");

      ViewerClient viewer = service.viewer("lazy");
      assertTrue(viewer.awaitFrames(3, 5000), "the first viewer starts it");
      long pid = service.status("lazy").getLong("pid");
      assertEquals("live", service.status("lazy").getString("state"));
      viewer.close();
      assertTrue(Processes.waitFor(4000, () -> !Processes.isRunning(pid)), "stopped after idleStop without viewer");
      assertEquals("stopped", service.status("lazy").getString("state"));

      JsonObject off = service.status("off");
      assertEquals("stopped", off.getString("state"));
      assertEquals("disabled in the config", off.getString("reason"));
    }
  }

  @Test
  void mjpegSourceIsPassedThroughWithoutEncoding() throws Exception {
    try (FakeMjpegCamera camera = new FakeMjpegCamera("320x240").start();
         RunningService service = RunningService.start(new JsonObject(
             "{\"cameras\": [{\"id\": \"mj\", \"url\": \"" + camera.url() + "\"}]}"))) {
      assertTrue(Processes.waitFor(15_000, () -> "live".equals(service.status("mj").getString("state"))));
      long pid = service.status("mj").getLong("pid");
      String args = commandLine(pid);
      assertTrue(args.contains("-c:v copy"), args);
      assertFalse(args.contains("-q:v"), args);
      try (ViewerClient viewer = service.viewer("mj")) {
        assertTrue(viewer.awaitFrames(5, 5000));
        viewer.frames.forEach(f -> assertTrue(ViewerClient.isJpeg(f)));
      }
    }
  }
}
