package io.visionroi.support;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium driven through its chromedriver, for the viewer page's tests, with a profile of
 * its own that is removed on close: the tests leave nothing in /tmp. Skips the test (loudly) when Chromium is
 * not installed.
 */
public final class Chromium implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver browser;
  private final Path profile;

  private Chromium(ChromeDriver browser, Path profile) {
    this.browser = browser;
    this.profile = profile;
  }

  /** @param arguments more of Chromium's command-line switches, e.g. to trust a test's own certificate */
  public static Chromium startOrSkip(String test, String... arguments) throws Exception {
    boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!available) {
      System.err.println("\n*** " + test + " SKIPPED: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing."
          + " Install them (apt-get install chromium chromium-driver), as scripts/test.sh does when run as root. ***\n");
    }
    assumeTrue(available, "chromium and chromium-driver are not installed");
    Path profile = Files.createTempDirectory("visionroi-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,800",
        "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile).addArguments(arguments);
    try {
      return new Chromium(new ChromeDriver(new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options), profile);
    } catch (RuntimeException e) {
      delete(profile);
      throw e;
    }
  }

  public void open(String url) {
    browser.get(url);
  }

  /** The window's outer size, e.g. small enough that only some tiles are in sight. */
  public void resize(int width, int height) {
    browser.manage().window().setSize(new Dimension(width, height));
  }

  public Object script(String javascript) {
    return ((JavascriptExecutor) browser).executeScript(javascript);
  }

  /** An attribute of a camera's tile, "" while the tile or the attribute is not there yet. */
  public String tileAttribute(String cameraId, String name) {
    try {
      String value = browser.findElement(By.cssSelector(".tile[data-camera-id='" + cameraId + "']")).getDomAttribute(name);
      return value == null ? "" : value;
    } catch (RuntimeException notYet) {
      return "";
    }
  }

  /** Pictures the tile has received ({@code data-frames}), 0 before any. */
  public int frames(String cameraId) {
    try {
      return Integer.parseInt(tileAttribute(cameraId, "data-frames"));
    } catch (NumberFormatException notYet) {
      return 0;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      browser.quit();
    } finally {
      delete(profile);
    }
  }

  private static void delete(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
