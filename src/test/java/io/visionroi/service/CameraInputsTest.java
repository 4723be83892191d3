package io.visionroi.service;

import io.visionroi.support.Processes;
import io.visionroi.support.RunningService;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A camera cannot make ffmpeg connect anywhere but to itself: an "HTTP camera" (a real HTTP server) answers
 * with an HLS playlist naming another port, and a listener on that port sees no connection while the
 * camera's ffmpeg runs and is retried.
 */
class CameraInputsTest {

  @Test
  void anHttpCamerasPlaylistCannotSendFfmpegElsewhere() throws Exception {
    try (ServerSocket elsewhere = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      AtomicInteger reached = new AtomicInteger();
      Thread listener = new Thread(() -> {
        while (!elsewhere.isClosed()) {
          try (Socket ignored = elsewhere.accept()) {
            reached.incrementAndGet();
          } catch (java.io.IOException closed) {
            return;
          }
        }
      }, "elsewhere");
      listener.setDaemon(true);
      listener.start();
      String playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://127.0.0.1:" + elsewhere.getLocalPort()
          + "/segment.ts\n#EXT-X-ENDLIST\n";
      try (RunningService service = RunningService.start(new JsonObject().put("cameras", new io.vertx.core.json.JsonArray())
          .put("stream", new JsonObject().put("outageGrace", 1).put("outageRetry", 0.5)))) {
        AtomicInteger asked = new AtomicInteger();
        HttpServer camera = service.vertx.createHttpServer().requestHandler(request -> {
          asked.incrementAndGet();
          request.response().putHeader("Content-Type", "application/vnd.apple.mpegurl").end(playlist);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        service.reload(new JsonObject().put("stream", new JsonObject().put("outageGrace", 1).put("outageRetry", 0.5))
            .put("cameras", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "hls")
                .put("url", "http://127.0.0.1:" + camera.actualPort() + "/cam.m3u8"))));
        assertTrue(Processes.waitFor(15_000, () -> asked.get() >= 2), "ffmpeg asked the camera, and again");
        Thread.sleep(1000);
        assertEquals(0, reached.get(), "ffmpeg connected where the playlist sent it");
        JsonObject status = service.status("hls");
        assertEquals("failed", status.getString("state"), "retrying will not change the camera's answer");
        assertTrue(status.getString("reason").contains("Format not on whitelist"), status.encode());
        camera.close();
      }
    }
  }
}
