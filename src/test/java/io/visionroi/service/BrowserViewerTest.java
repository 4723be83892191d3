package io.visionroi.service;

import io.visionroi.support.Chromium;
import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.Processes;
import io.visionroi.support.Resources;
import io.visionroi.support.RunningService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The viewer page in real headless Chromium: video plays, a frozen camera turns its tile to outage, and
 * when the camera is back the same page (no reload) shows live video again.
 */
class BrowserViewerTest {

  private static final Resources opened = new Resources();
  private static Chromium browser;
  private static FakeMjpegCamera camera;
  private static RunningService service;

  @BeforeAll
  static void start() throws Exception {
    camera = opened.open(new FakeMjpegCamera("320x240").start());
    service = opened.open(RunningService.start(new JsonObject("{\"stream\": {\"outageGrace\": 1.0, \"outageRetry\": 0.5},"
        + " \"cameras\": [{\"id\": \"door\", \"name\": \"Door\", \"url\": \"" + camera.url() + "\"},"
        + " {\"id\": \"pattern\", \"url\": \"lavfi:testsrc2=size=160x120:rate=10\"}]}")));
    browser = opened.open(Chromium.startOrSkip("BrowserViewerTest"));
  }

  @AfterAll
  static void stop() throws Exception {
    opened.close();
  }

  private static String state(String id) {
    return browser.tileAttribute(id, "data-state");
  }

  private static int frames(String id) {
    return browser.frames(id);
  }

  private static String picture(String id) {
    return (String) browser.script(
        "return document.querySelector(\".tile[data-camera-id='" + id + "'] canvas\").toDataURL('image/png');");
  }

  @Test
  void outageAndRecoveryInTheSamePageWithoutReload() throws Exception {
    browser.open("http://127.0.0.1:" + service.port + "/");
    browser.script("window.sameDocument = 'yes';");

    assertTrue(Processes.waitFor(15_000, () -> "live".equals(state("door")) && frames("door") > 5),
        "the door tile plays live video");
    assertTrue(Processes.waitFor(10_000, () -> frames("pattern") > 5), "every camera has its tile");
    String before = picture("door");
    Thread.sleep(500);
    assertNotEquals(before, picture("door"), "the picture moves");

    camera.freeze();
    assertTrue(Processes.waitFor(5_000, () -> "outage".equals(state("door"))), "frozen camera: tile in outage");
    assertEquals("live", state("pattern"), "the other camera is not affected");

    int framesInOutage = frames("door");
    camera.thaw();
    assertTrue(Processes.waitFor(10_000, () -> "live".equals(state("door")) && frames("door") > framesInOutage + 5),
        "back to live video by itself");
    assertEquals("yes", browser.script("return window.sameDocument;"),
        "no reload happened");
  }
}
