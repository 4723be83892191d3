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
        + " {\"id\": \"pattern\", \"url\": \"lavfi:testsrc2=size=160x120:rate=10\"},"
        + " {\"id\": \"missing\", \"url\": \"/nonexistent/visionroi-test-missing.mp4\"}]}")));
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

  @Test
  void oneCameraFillsTheWindowByAddressAndAnImgPlaysStreamMjpeg() throws Exception {
    String base = "http://127.0.0.1:" + service.port + "/";
    browser.open(base);
    assertTrue(Processes.waitFor(15_000, () -> frames("door") > 3), "the grid plays");
    browser.script("document.querySelector(\".tile[data-camera-id='door'] .view\").click();");
    assertTrue(Processes.waitFor(5000, () -> "#camera=door".equals(browser.script("return location.hash;"))
        && expanded("door")), "a tile opens the one-camera view, with its address");
    browser.script("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));");
    assertTrue(Processes.waitFor(5000, () -> "".equals(browser.script("return location.hash;")) && !expanded("door")),
        "Escape goes back to the grid");

    browser.open(base + "#camera=pattern");
    assertTrue(Processes.waitFor(15_000, () -> expanded("pattern") && frames("pattern") > 3
        && String.valueOf(browser.script("return document.title;")).startsWith("pattern")),
        "the address opens one camera, playing, filling the window");
    assertEquals(Boolean.TRUE, browser.script("const r = document.querySelector(\".tile[data-camera-id='pattern']\")"
        + ".getBoundingClientRect(); return r.width === window.innerWidth && r.height === window.innerHeight;"));

    // An <img> of stream.mjpeg, as a dashboard has it: the picture moves.
    browser.script("const img = document.createElement('img'); img.id = 'mjpeg';"
        + " img.src = '/api/cameras/pattern/stream.mjpeg'; document.body.append(img);");
    assertTrue(Processes.waitFor(10_000, () -> ((Number) browser.script(
        "return document.getElementById('mjpeg').naturalWidth;")).intValue() > 0), "the stream shows a picture");
    String first = imgPicture();
    assertTrue(Processes.waitFor(5000, () -> !imgPicture().equals(first)), "and it moves");
  }

  private static boolean expanded(String id) {
    return browser.tileAttribute(id, "class").contains("expanded");
  }

  private static String imgPicture() {
    return (String) browser.script("const img = document.getElementById('mjpeg'); const c = document.createElement('canvas');"
        + " c.width = img.naturalWidth; c.height = img.naturalHeight; c.getContext('2d').drawImage(img, 0, 0);"
        + " return c.toDataURL('image/png');");
  }

  @Test
  void tilesOutOfSightLetGoOfTheirStreamAndAFailedCameraIsAskedAtTheServicesPace() throws Exception {
    browser.open("http://127.0.0.1:" + service.port + "/");
    assertTrue(Processes.waitFor(15_000, () -> frames("door") > 3 && frames("pattern") > 3), "both play");
    // Counts the page's WebSocket connections per camera from now on (retries create new ones).
    browser.script("window.connects = {}; const Native = window.WebSocket;"
        + " window.WebSocket = function (url) { const id = new URL(url).pathname.split('/').pop();"
        + " window.connects[id] = (window.connects[id] || 0) + 1; return new Native(url); };");

    browser.script("document.querySelector(\".tile[data-camera-id='door']\").style.transform = 'translateY(5000px)';");
    assertTrue(Processes.waitFor(8000, () -> service.viewers("door") == 0), "a tile off screen lets go of its stream");
    assertTrue(service.viewers("pattern") == 1, "the one on screen keeps it");
    browser.script("document.querySelector(\".tile[data-camera-id='door']\").style.transform = '';");
    int before = frames("door");
    assertTrue(Processes.waitFor(8000, () -> service.viewers("door") == 1 && frames("door") > before + 3),
        "back on screen, it plays again");

    browser.script("document.querySelector(\".tile[data-camera-id='door'] .view\").click();");
    assertTrue(Processes.waitFor(8000, () -> service.viewers("pattern") == 0 && service.viewers("door") == 1),
        "the tiles under the one-camera view pause");
    browser.script("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));");
    assertTrue(Processes.waitFor(8000, () -> service.viewers("pattern") == 1), "and resume with the grid");

    // The failed camera (a missing file) is tried by the service 1, 2, 4... up to 30 s apart (outageRetry 0.5 s
    // here): the page follows that pace instead of its 0.75 s outage pace (about 11 connects in 8 s).
    assertEquals("failed", service.status("missing").getString("state"));
    browser.script("window.connects = {};");
    Thread.sleep(8000);
    long connects = ((Number) browser.script("return window.connects['missing'] || 0;")).longValue();
    assertTrue(connects <= 3, "connects to the failed camera in 8 s: " + connects);
    assertEquals("failed", browser.tileAttribute("missing", "data-state"), "its tile says so meanwhile");
  }
}
