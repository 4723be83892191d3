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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Camera passwords never leave the config file: not in API answers, viewer messages, errors or logs. */
class SecretsIT {

  private static final String SECRET = "topsecret";

  @TempDir
  Path dir;

  @Test
  void aPasswordInACameraUrlAppearsNowhere() throws Exception {
    JsonObject config = new JsonObject("{\"stream\": {\"outageGrace\": 1.0, \"outageRetry\": 0.5}, \"cameras\": ["
        + "{\"id\": \"rtsp\", \"url\": \"rtsp://admin:" + SECRET + "@127.0.0.1:1/stream\"},"
        + "{\"id\": \"cgi\", \"url\": \"http://127.0.0.1:1/video.cgi?user=admin&password=" + SECRET + "\"},"
        + "{\"id\": \"web\", \"url\": \"http://viewer:" + SECRET + "@127.0.0.1:1/video.mjpg\"}]}");
    HttpClient http = HttpClient.newHttpClient();
    Vertx vertx = Vertx.vertx();
    List<String> seen = new ArrayList<>();
    try (JarProcess jar = JarProcess.start(dir, config)) {
      int port = jar.awaitStarted(20_000);
      assertTrue(Processes.waitFor(10_000, () -> get(http, port, "/api/cameras").contains("Connection refused")),
          "cameras fail with ffmpeg's own error text");
      for (String path : List.of("/api/cameras", "/api/cameras/rtsp", "/api/cameras/cgi", "/api/cameras/web",
          "/healthz", "/readyz", "/metrics", "/api/cameras/web/snapshot.jpg")) {
        seen.add(get(http, port, path));
      }
      ViewerClient viewer = ViewerClient.connect(vertx, port, "/ws/cameras/rtsp");
      assertTrue(Processes.waitFor(3000, () -> !viewer.texts.isEmpty()));
      viewer.texts.forEach(t -> seen.add(t.encode()));
      viewer.close();
      Processes.signal(jar.pid(), "TERM");
      assertEquals(0, jar.awaitExit(5000));
      seen.addAll(jar.output);
      assertTrue(String.join("\n", seen).contains("***"), "the masked form is what is shown");
      for (String text : seen) {
        assertFalse(text.contains(SECRET), "leaked: " + text);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** ffmpeg inherits none of the service's secrets: its environment holds only what it needs. */
  @Test
  void ffmpegGetsNoneOfTheServicesEnvironment() throws Exception {
    JsonObject config = new JsonObject("{\"cameras\": [{\"id\": \"p\", \"url\": \"lavfi:testsrc2=size=160x120:rate=5\"}]}");
    try (JarProcess jar = JarProcess.start(dir, config, "HTTP_AUTH_USER=op", "HTTP_AUTH_PASSWORD=" + SECRET + "-long-enough",
        "SOME_TOKEN=" + SECRET)) {
      jar.awaitStarted(20_000);
      assertTrue(Processes.waitFor(10_000, () -> !jar.ffmpegPids().isEmpty()), "ffmpeg runs");
      String environment = new String(java.nio.file.Files.readAllBytes(
          Path.of("/proc/" + jar.ffmpegPids().get(0) + "/environ")), java.nio.charset.StandardCharsets.UTF_8);
      assertFalse(environment.contains(SECRET), "ffmpeg's environment holds a secret: " + environment);
      List<String> names = java.util.Arrays.stream(environment.split("\0")).filter(e -> !e.isEmpty())
          .map(e -> e.substring(0, e.indexOf('='))).toList();
      assertTrue(List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR").containsAll(names), names.toString());
      Processes.signal(jar.pid(), "TERM");
      assertEquals(0, jar.awaitExit(5000));
    }
  }

  private static String get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }
}
