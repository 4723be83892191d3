package io.visionroi.service;

import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.Resources;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An H.264 camera sent to viewers as fragmented MP4 without transcoding, against a real RTSP camera
 * (GStreamer's, 2 s keyframe interval): the init segment first, then fragments from a keyframe that a
 * real ffmpeg decodes; JPEG viewers and snapshots from the on-demand JPEG encoder, which stops when nobody
 * wants JPEG; an outage sends MP4 viewers away and they come back. Bounds have margins for a busy machine.
 */
class Mp4StreamTest {

  private final Resources opened = new Resources();
  private RunningService service;

  @AfterEach
  void tearDown() throws Exception {
    opened.close();
  }

  private static JsonObject config(JsonObject... cameras) {
    return new JsonObject().put("stream", new JsonObject().put("outageGrace", 2).put("outageRetry", 1))
        .put("cameras", new JsonArray(List.of((Object[]) cameras)));
  }

  @Test
  void h264CameraPlaysAsMp4WithJpegOnDemandAndComesBackAfterAnOutage() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(2).start());
    service = opened.open(RunningService.start(config(new JsonObject().put("id", "door").put("url", camera.url()))));
    assertTrue(service.awaitState("door", "live", 15_000), "live: " + service.status("door"));
    JsonObject status = service.status("door");
    assertEquals("mp4", status.getString("output"));
    assertTrue(status.getString("mime").matches("video/mp4; codecs=\"avc1\\.[0-9a-f]{6}\""), status.encode());

    long connectAt = System.currentTimeMillis();
    ViewerClient mp4 = opened.open(service.viewer("door", "?format=mp4"));
    assertTrue(mp4.awaitFrames(2, 5000), "init segment and a first fragment");
    long firstPicture = mp4.frameTimes.get(1) - connectAt;
    assertTrue(firstPicture < 1500, "the current group is replayed at once, not after the next keyframe: "
        + firstPicture + " ms");
    assertTrue(mp4.awaitFrames(30, 10_000), "fragments keep coming: " + mp4.frames.size());
    assertEquals("ftyp", boxType(mp4.frames.get(0)));
    assertTrue(mp4.frames.get(0).toString(StandardCharsets.ISO_8859_1).contains("moov"), "ftyp and moov in one message");
    for (Buffer fragment : mp4.frames.subList(1, 30)) {
      assertEquals("moof", boxType(fragment), "a whole fragment per message");
    }
    assertTrue(decodes(mp4.frames.subList(0, 30)) >= 25, "a real decoder takes what a viewer got, from its first fragment");
    assertTrue(Processes.waitFor(3000, () -> jpegEncoders().isEmpty()), "no JPEG encoder while nobody wants JPEG");

    ViewerClient jpeg = opened.open(service.viewer("door"));
    assertTrue(jpeg.awaitFrames(5, 8000), "JPEG viewers of an MP4 camera get JPEG: " + jpeg.frames.size());
    assertTrue(jpeg.frames.stream().allMatch(ViewerClient::isJpeg));
    assertEquals(1, jpegEncoders().size(), "one encoder, fed from the camera's own stream");
    assertEquals(1, Processes.ffmpegWith(":" + camera.port() + "/").size(), "one connection to the camera");
    jpeg.close();
    assertTrue(Processes.waitFor(12_000, () -> jpegEncoders().isEmpty()), "the encoder stops when nobody wants JPEG");
    HttpResponse<byte[]> snapshot = service.get("/api/cameras/door/snapshot.jpg");
    assertEquals(200, snapshot.statusCode(), new String(snapshot.body()));
    assertTrue(ViewerClient.isJpeg(Buffer.buffer(snapshot.body())), "a snapshot starts the encoder again");

    camera.freeze();
    assertEquals(1013, mp4.awaitClose(2000 + 4000).code(), "MP4 viewers are sent away on outage too");
    camera.thaw();
    ViewerClient back = opened.open(service.reconnectUntilFrames("door", "?format=mp4", 15_000));
    assertNotNull(back, "MP4 viewers get the camera back after the thaw");
    assertTrue(back.awaitFrames(2, 3000));
    assertEquals("ftyp", boxType(back.frames.get(0)));
    assertEquals(1, mp4Generations(back), "one init segment");
  }

  @Test
  void anOnDemandCameraStartsWithItsFirstMp4ViewerAndStopsAfterItsLast() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(1).start());
    service = opened.open(RunningService.start(config(new JsonObject().put("id", "lazy").put("url", camera.url())
        .put("onDemand", true).put("idleStop", 1))));
    assertTrue(service.awaitState("lazy", "stopped", 10_000));
    ViewerClient mp4 = opened.open(service.viewer("lazy", "?format=mp4"));
    assertTrue(mp4.awaitFrames(5, 10_000), "an MP4 viewer wakes the camera: " + service.status("lazy"));
    assertEquals("ftyp", boxType(mp4.frames.get(0)));
    assertEquals("moof", boxType(mp4.frames.get(1)));
    mp4.close();
    assertTrue(service.awaitState("lazy", "stopped", 10_000), "idle again: " + service.status("lazy"));
    assertTrue(Processes.waitFor(3000, () -> Processes.ffmpegWith(":" + camera.port() + "/").isEmpty()));
  }

  @Test
  void mp4IsRefusedForAJpegCameraAndAnUnknownFormatIsABadRequest() throws Exception {
    service = opened.open(RunningService.start(config(new JsonObject().put("id", "pattern")
        .put("url", "lavfi:testsrc2=size=320x240:rate=10"))));
    assertTrue(service.awaitState("pattern", "live", 10_000));
    assertEquals("jpeg", service.status("pattern").getString("output"));
    ViewerClient mp4 = opened.open(service.viewer("pattern", "?format=mp4"));
    ViewerClient.Close close = mp4.awaitClose(5000);
    assertEquals(4415, close.code());
    assertTrue(close.reason().contains("JPEG"), close.reason());
    Exception refused = assertThrows(Exception.class, () -> service.viewer("pattern", "?format=gif"));
    assertInstanceOf(UpgradeRejectedException.class, refused.getCause() != null ? refused.getCause() : refused);
  }

  private static String boxType(Buffer box) {
    return box.getString(4, 8, "ISO-8859-1");
  }

  private static long mp4Generations(ViewerClient viewer) {
    return viewer.frames.stream().filter(f -> boxType(f).equals("ftyp")).count();
  }

  /** This JVM's own JPEG encoders (children reading MP4 on stdin), not another test's. */
  private static List<ProcessHandle> jpegEncoders() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("pipe:0")).orElse(false))
        .toList();
  }

  /** How many frames a real ffmpeg decodes from the messages, as a browser would get them. */
  private static int decodes(List<Buffer> messages) throws Exception {
    Path file = Files.createTempFile("visionroi-mp4", ".mp4");
    try {
      Buffer all = Buffer.buffer();
      messages.forEach(all::appendBuffer);
      Files.write(file, all.getBytes());
      Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", file.toString(),
          "-f", "framemd5", "-").redirectErrorStream(true).start();
      String out = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(ffmpeg.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, ffmpeg.exitValue(), out);
      return (int) out.lines().filter(l -> !l.startsWith("#")).count();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
