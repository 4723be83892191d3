package io.visionroi.service;

import io.visionroi.support.Chromium;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.Resources;
import io.visionroi.support.RunningService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MP4 cameras in the viewer page in real headless Chromium, against real RTSP cameras (GStreamer's, 2 s
 * keyframe interval): an H.264 camera plays in a {@code <video>} through Media Source Extensions, near the
 * live edge; a frozen camera turns its tile to outage, and after the thaw the same page (no reload) plays
 * again. An H.265 camera sent as MP4, which Chromium cannot decode through MSE, falls back to JPEG.
 */
class BrowserMp4Test {

  /** How far behind the newest buffered video the playhead may be: the page jumps ahead beyond 1 s. */
  private static final double MAX_LAG_SECONDS = 1.5;

  private static final Resources opened = new Resources();
  private static Chromium browser;
  private static RtspCamera door;
  private static RtspCamera hevc;
  private static RunningService service;

  @BeforeAll
  static void start() throws Exception {
    door = opened.open(RtspCamera.h264(2).start());
    hevc = opened.open(RtspCamera.h265(2).size("320x240").start());
    service = opened.open(RunningService.start(new JsonObject("{\"stream\": {\"outageGrace\": 1.5, \"outageRetry\": 0.75},"
        + " \"cameras\": [{\"id\": \"door\", \"url\": \"" + door.url() + "\"},"
        + " {\"id\": \"hevc\", \"url\": \"" + hevc.url() + "\"}]}"))); // auto: MP4 for H.265 too
    browser = opened.open(Chromium.startOrSkip("BrowserMp4Test"));
  }

  @AfterAll
  static void stop() throws Exception {
    opened.close();
  }

  private static String attribute(String id, String name) {
    return browser.tileAttribute(id, name);
  }

  private static int frames(String id) {
    return browser.frames(id);
  }

  /** Where a video is: its playhead and the end of its buffered video. */
  private record Playback(Object element, double currentTime, double bufferedEnd) {
    double lag() {
      return bufferedEnd - currentTime;
    }
  }

  /** The tile's newest video that shows pictures (a new player stays hidden until it has one), or null. */
  private static Playback playback(String id) {
    @SuppressWarnings("unchecked")
    List<Object> read = (List<Object>) browser.script(
        "const shown = document.querySelectorAll(\".tile[data-camera-id='" + id + "'] video.shown\");"
            + " const v = shown[shown.length - 1];"
            + " if (!v || !v.buffered.length) return null;"
            + " return [v, v.currentTime, v.buffered.end(v.buffered.length - 1)];");
    return read == null ? null
        : new Playback(read.get(0), ((Number) read.get(1)).doubleValue(), ((Number) read.get(2)).doubleValue());
  }

  /** True when the same video's playhead moved on by at least {@code seconds} within about {@code millis}. */
  private static boolean advances(String id, double seconds, long millis) {
    Playback before = playback(id);
    if (before == null) {
      return false;
    }
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      pause(100);
      Playback now = playback(id);
      if (now == null || !now.element().equals(before.element())) {
        return false;
      }
      if (now.currentTime() - before.currentTime() >= seconds) {
        return true;
      }
    }
    return false;
  }

  /** Samples the lag behind the buffered end for {@code millis}; the largest seen. */
  private static double largestLag(String id, long millis) {
    double largest = 0;
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      Playback now = playback(id);
      if (now != null) {
        largest = Math.max(largest, now.lag());
      }
      pause(100);
    }
    return largest;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void mp4PlaysLiveFallsBackToJpegForH265AndRecoversFromAnOutageWithoutReload() throws Exception {
    browser.open("http://127.0.0.1:" + service.port + "/");
    browser.script("window.sameDocument = 'yes';");

    assertTrue(Processes.waitFor(20_000, 100, () -> "mp4".equals(attribute("door", "data-mode"))
        && "live".equals(attribute("door", "data-state")) && frames("door") > 5 && playback("door") != null),
        "the H.264 camera plays as MP4: mode " + attribute("door", "data-mode") + ", state "
            + attribute("door", "data-state") + ", frames " + frames("door"));
    assertTrue(Processes.waitFor(8_000, 100, () -> advances("door", 1.0, 1500)),
        "the video's playhead advances: " + playback("door"));
    double lag = largestLag("door", 2000);
    assertTrue(lag <= MAX_LAG_SECONDS, "the playhead stays near the live edge: " + lag + " s behind");

    assertTrue(Processes.waitFor(20_000, 100, () -> "jpeg".equals(attribute("hevc", "data-mode"))
        && "live".equals(attribute("hevc", "data-state")) && frames("hevc") > 5),
        "the H.265 camera falls back to JPEG: mode " + attribute("hevc", "data-mode") + ", frames " + frames("hevc"));
    JsonObject hevcStatus = service.status("hevc");
    assertEquals("mp4", hevcStatus.getString("output"), "the server sends H.265 as MP4: " + hevcStatus.encode());
    assertTrue(hevcStatus.getString("mime", "").matches("video/mp4; codecs=\"(hvc1|hev1)\\..*\""), hevcStatus.encode());

    door.freeze();
    assertTrue(Processes.waitFor(8_000, 100, () -> "outage".equals(attribute("door", "data-state"))),
        "frozen camera: tile in outage, not " + attribute("door", "data-state"));
    assertEquals("live", attribute("hevc", "data-state"), "the other camera is not affected");

    door.thaw();
    assertTrue(Processes.waitFor(15_000, 100, () -> "live".equals(attribute("door", "data-state"))
        && advances("door", 0.5, 1000)), "the video plays again by itself: " + attribute("door", "data-state")
        + ", " + playback("door"));
    lag = largestLag("door", 1000);
    assertTrue(lag <= MAX_LAG_SECONDS, "near the live edge again: " + lag + " s behind");
    assertEquals("mp4", attribute("door", "data-mode"));
    assertEquals("yes", browser.script("return window.sameDocument;"),
        "no reload happened");
  }
}
