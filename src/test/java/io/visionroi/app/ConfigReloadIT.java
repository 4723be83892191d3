package io.visionroi.app;

import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Editing the config file of a running jar: only the cameras that changed are touched. */
class ConfigReloadIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private int port;

  private HttpResponse<String> get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject camera(String id) {
    HttpResponse<String> r = get("/api/cameras/" + id);
    return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject().put("status", r.statusCode());
  }

  private boolean liveWithPid(String id) {
    JsonObject c = camera(id);
    return "live".equals(c.getString("state")) && c.getLong("pid") != null;
  }

  private long lastSize = -1;

  private void write(String cameras, String extra) throws Exception {
    // Always a new size too, so that the change is seen even within the file system's time granularity.
    String json = "{\"http\": {\"host\": \"127.0.0.1\", \"port\": 0}" + extra + ", \"cameras\": [" + cameras + "]}\n";
    String padded = json + (json.length() + 1 == lastSize ? "  " : " ");
    lastSize = padded.length();
    Files.writeString(dir.resolve("config.json"), padded);
  }

  @Test
  void addRemoveChangeAndAnInvalidEditKeptOut() throws Exception {
    String a = "{\"id\": \"a\", \"url\": \"lavfi:testsrc2=size=160x120:rate=5\"}";
    String b = "{\"id\": \"b\", \"url\": \"lavfi:testsrc2=size=160x120:rate=5\"}";
    String b2 = "{\"id\": \"b\", \"url\": \"lavfi:testsrc2=size=160x120:rate=6\"}";
    String c = "{\"id\": \"c\", \"url\": \"lavfi:testsrc2=size=160x120:rate=5\"}";
    write(a + "," + b, "");
    Vertx vertx = Vertx.vertx();
    try (JarProcess jar = JarProcess.startRaw(dir, java.util.List.of("--config", dir.resolve("config.json").toString()))) {
      port = jar.awaitStarted(20_000);
      assertTrue(Processes.waitFor(10_000, () -> liveWithPid("a") && liveWithPid("b")));
      long pidA = camera("a").getLong("pid");
      long pidB = camera("b").getLong("pid");

      write(a + "," + b2 + "," + c, "");
      assertTrue(Processes.waitFor(10_000, () -> liveWithPid("c")), "added camera starts");
      assertTrue(Processes.waitFor(10_000, () -> liveWithPid("b") && camera("b").getLong("pid") != pidB),
          "changed camera restarts");
      assertFalse(Processes.isRunning(pidB), "its old ffmpeg is gone");
      assertEquals(pidA, camera("a").getLong("pid"), "an unchanged camera keeps its ffmpeg");

      long pidC = camera("c").getLong("pid");
      ViewerClient viewerOfC = ViewerClient.connect(vertx, port, "/ws/cameras/c");
      assertTrue(viewerOfC.awaitFrames(1, 5000));
      write(a + "," + b2, "");
      ViewerClient.Close close = viewerOfC.awaitClose(10_000);
      assertEquals(1001, close.code());
      assertEquals("camera removed", close.reason());
      assertTrue(Processes.waitFor(5000, () -> !Processes.isRunning(pidC)), "removed camera's ffmpeg is gone");
      assertTrue(Processes.waitFor(5000, () -> get("/api/cameras/c").statusCode() == 404));
      long pidB2 = camera("b").getLong("pid");

      write(a + "," + b2, ", \"strem\": {}");
      assertTrue(Processes.waitFor(10_000, () -> new JsonObject(get("/healthz").body()).getString("configError") != null),
          "health shows the refused reload");
      assertFalse(new JsonObject(get("/healthz").body()).getString("configError").contains("strem"),
          "the open health endpoint never quotes the file");
      // The log says why (the problems follow the first line, one a line).
      assertTrue(Processes.waitFor(5000, () -> jar.output.stream().anyMatch(l -> l.contains("config reload refused"))
          && jar.output.stream().anyMatch(l -> l.contains("strem: unknown key"))), "the log says why: " + jar.output);
      assertEquals(503, get("/readyz").statusCode(), "not ready with a refused config");
      assertEquals(pidA, camera("a").getLong("pid"), "a refused edit touches nothing");
      assertEquals(pidB2, camera("b").getLong("pid"));

      write(a + "," + b2, ""); // the last good content again
      assertTrue(Processes.waitFor(10_000, () -> new JsonObject(get("/healthz").body()).getValue("configError") == null),
          "a good file clears the error");
      assertEquals(200, get("/readyz").statusCode());
      Processes.signal(jar.pid(), "TERM");
      assertEquals(0, jar.awaitExit(5000));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void checkConfigValidatesWithoutStarting() throws Exception {
    write("{\"id\": \"a\", \"url\": \"lavfi:testsrc2\"}", "");
    try (JarProcess ok = JarProcess.startRaw(dir, java.util.List.of("--check-config", "--config",
        dir.resolve("config.json").toString()))) {
      assertEquals(0, ok.awaitExit(20_000));
      assertTrue(Processes.waitFor(2000, () -> ok.output.stream().anyMatch(l -> l.contains("valid, 1 camera(s)"))));
    }
    write("{\"id\": \"a\", \"url\": \"ftp://x\"}", "");
    try (JarProcess bad = JarProcess.startRaw(dir, java.util.List.of("--check-config", "--config",
        dir.resolve("config.json").toString()))) {
      assertEquals(2, bad.awaitExit(20_000));
    }
  }
}
