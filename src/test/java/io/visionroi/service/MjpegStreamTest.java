package io.visionroi.service;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.Processes;
import io.visionroi.support.Resources;
import io.visionroi.support.RunningService;
import io.visionroi.support.ToolRun;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream.mjpeg} for tools that take no WebSocket: ffmpeg reads it as a real client at the camera's
 * rate, a client that stops reading slows nobody else and is dropped, an outage ends the response, and a
 * cross-site page cannot embed it. Short timings (outageGrace 1 s) keep it fast; margins for a busy machine.
 */
class MjpegStreamTest {

  private static final long GRACE = 1000;

  private final Resources opened = new Resources();

  @AfterEach
  void tearDown() throws Exception {
    opened.close();
  }

  private RunningService start(FakeMjpegCamera camera) throws Exception {
    RunningService service = opened.open(RunningService.start(new JsonObject("{\"stream\": {\"outageGrace\": 1.0,"
        + " \"outageRetry\": 0.5, \"sendTimeout\": 1.0}, \"cameras\": [{\"id\": \"door\", \"url\": \"" + camera.url()
        + "\"}, {\"id\": \"pattern\", \"url\": \"lavfi:testsrc2=size=320x240:rate=10\"}]}")));
    assertTrue(service.awaitState("door", "live", 10_000) && service.awaitState("pattern", "live", 10_000));
    return service;
  }

  @Test
  void ffmpegReadsItAtTheCamerasRateAndAnOutageEndsIt() throws Exception {
    FakeMjpegCamera camera = opened.open(new FakeMjpegCamera("320x240").start());
    RunningService service = start(camera);
    String base = "http://127.0.0.1:" + service.port + "/api/cameras/";

    // ffmpeg, as VLC or Home Assistant would read it: 40 parts decode, in about 4 s at the camera's 10 fps.
    long startedAt = System.currentTimeMillis();
    ToolRun ffmpeg = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-stats",
        "-f", "mpjpeg", "-i", base + "pattern/stream.mjpeg", "-frames:v", "40", "-f", "null", "-"));
    int status = ffmpeg.await(20_000);
    long took = System.currentTimeMillis() - startedAt;
    String out = ffmpeg.output();
    assertEquals(0, status, out);
    assertEquals(40, ffmpeg.framesRead(), out);
    assertTrue(took >= 3000 && took <= 9000, "40 frames of a 10 fps camera in about 4 s, not " + took + " ms");

    // The outage ends the response, so the client reconnects (VLC and Home Assistant do).
    java.net.http.HttpResponse<InputStream> stream = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "door/stream.mjpeg")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertEquals("multipart/x-mixed-replace; boundary=visionroi-frame",
        stream.headers().firstValue("Content-Type").orElse(""));
    long[] lastByteAt = {0};
    Thread reader = new Thread(() -> {
      try (InputStream in = stream.body()) {
        byte[] buf = new byte[64 * 1024];
        while (in.read(buf) >= 0) {
          lastByteAt[0] = System.currentTimeMillis();
        }
      } catch (java.io.IOException e) {
        // ended
      }
    });
    reader.start();
    assertTrue(Processes.waitFor(5000, () -> lastByteAt[0] > 0), "frames come");
    camera.freeze();
    long frozenAt = System.currentTimeMillis();
    reader.join(GRACE + 6000);
    assertTrue(!reader.isAlive(), "the response ended after the outage began");
    long endedAfter = System.currentTimeMillis() - frozenAt;
    assertTrue(endedAfter <= GRACE + 2500, "ended " + endedAfter + " ms after the freeze (outageGrace + 0.5 s, plus margin)");
    camera.thaw();
  }

  @Test
  void aClientThatStopsReadingSlowsNobodyAndIsDropped() throws Exception {
    FakeMjpegCamera camera = opened.open(new FakeMjpegCamera("1280x720").start());
    RunningService service = start(camera);
    // A raw client that asks and never reads: the service's writes to it back up (after the kernel's buffers,
    // a few MB on loopback, are full).
    Socket stuck = opened.open(new Socket());
    stuck.setReceiveBufferSize(4096);
    stuck.connect(new java.net.InetSocketAddress("127.0.0.1", service.port));
    stuck.getOutputStream().write(("GET /api/cameras/door/stream.mjpeg HTTP/1.1\r\nHost: 127.0.0.1:" + service.port
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    Thread.sleep(2500);
    ViewerClient viewer = opened.open(service.viewer("door"));
    assertTrue(viewer.awaitFrames(20, 5000), "a WebSocket viewer of the same camera gets its frames: "
        + viewer.frames.size());
    assertTrue(Processes.waitFor(20_000, () -> service.status("door").getString("state").equals("live")
        && service.viewers("door") == 1), "the stuck client was dropped after sendTimeout: " + service.viewers("door"));
  }

  @Test
  void aPageOfAnotherSiteCannotEmbedIt() throws Exception {
    FakeMjpegCamera camera = opened.open(new FakeMjpegCamera("160x120").start());
    RunningService service = start(camera);
    java.net.http.HttpResponse<String> embedded = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + service.port
            + "/api/cameras/door/frame.jpeg")).header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "no-cors")
            .header("Referer", "https://evil.example/page").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(403, embedded.statusCode(), embedded.body());
    java.net.http.HttpResponse<String> followedLink = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + service.port + "/"))
            .header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "navigate")
            .header("Referer", "https://elsewhere.example/").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, followedLink.statusCode(), "a link from another site still opens the page");
    assertEquals(200, service.get("/api/cameras/door/frame.jpeg").statusCode(), "the snapshot's other name");
  }
}
