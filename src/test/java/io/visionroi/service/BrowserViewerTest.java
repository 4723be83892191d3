package io.visionroi.service;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.Processes;
import io.visionroi.support.RunningService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The viewer page in real headless Chromium: video plays, a frozen camera turns its tile to outage, and
 * when the camera is back the same page (no reload) shows live video again.
 */
class BrowserViewerTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private static FakeMjpegCamera camera;
  private static RunningService service;
  private static ChromeDriver browser;
  /** Chromium's profile, removed afterwards: the tests leave nothing in /tmp. */
  private static Path profile;

  @BeforeAll
  static void start() throws Exception {
    boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!available) {
      System.err.println("\n*** BrowserViewerTest SKIPPED: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing."
          + " Install them (apt-get install chromium chromium-driver), as scripts/test.sh does when run as root. ***\n");
    }
    assumeTrue(available, "chromium and chromium-driver are not installed");
    camera = new FakeMjpegCamera("320x240").start();
    service = RunningService.start(new JsonObject("{\"stream\": {\"outageGrace\": 1.0, \"outageRetry\": 0.5},"
        + " \"cameras\": [{\"id\": \"door\", \"name\": \"Door\", \"url\": \"" + camera.url() + "\"},"
        + " {\"id\": \"pattern\", \"url\": \"lavfi:testsrc2=size=160x120:rate=10\"}]}"));
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,800",
        "--user-data-dir=" + (profile = Files.createTempDirectory("visionroi-chromium")));
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build(), options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.close();
    }
    if (camera != null) {
      camera.close();
    }
    if (profile != null) {
      try (java.util.stream.Stream<Path> files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static WebElement tile(String id) {
    return browser.findElement(By.cssSelector(".tile[data-camera-id='" + id + "']"));
  }

  private static String state(String id) {
    try {
      return tile(id).getDomAttribute("data-state");
    } catch (RuntimeException notYet) {
      return "";
    }
  }

  private static int frames(String id) {
    try {
      return Integer.parseInt(tile(id).getDomAttribute("data-frames"));
    } catch (RuntimeException notYet) {
      return 0;
    }
  }

  private static String picture(String id) {
    return (String) ((JavascriptExecutor) browser).executeScript(
        "return document.querySelector(\".tile[data-camera-id='" + id + "'] canvas\").toDataURL('image/png');");
  }

  @Test
  void outageAndRecoveryInTheSamePageWithoutReload() throws Exception {
    browser.get("http://127.0.0.1:" + service.port + "/");
    ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes';");

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
    assertEquals("yes", ((JavascriptExecutor) browser).executeScript("return window.sameDocument;"),
        "no reload happened");
  }
}
