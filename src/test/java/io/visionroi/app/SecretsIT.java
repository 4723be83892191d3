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

  private static String get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }
}
