package io.visionroi.service;

import io.visionroi.support.FreePort;
import io.visionroi.support.Processes;
import io.visionroi.support.Resources;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.RunningService;
import io.visionroi.support.ToolRun;
import io.visionroi.support.ViewerClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Viewers stay with a camera through config edits, on a real RTSP H.264 camera: a rename touches no ffmpeg
 * and no viewer sees a gap; a change that needs a new ffmpeg (a new worker, numbering its frames from the
 * start again) gives connected MP4 viewers the new init segment and its pictures, with no reconnect, and an RTSP
 * reader of the re-stream the new pictures in the same RTP stream, its timestamps going on forward.
 */
class WorkerReplacementTest {

  private final Resources opened = new Resources();

  @AfterEach
  void tearDown() throws Exception {
    opened.close();
  }

  private static JsonObject config(RtspCamera camera, JsonObject options) {
    return new JsonObject().put("cameras", new JsonArray().add(new JsonObject().put("id", "door")
        .put("url", camera.url()).mergeIn(options)));
  }

  /** The longest time between two frames the viewer got from {@code from} on, counting up to {@code to}. */
  private static boolean isInitSegment(Buffer data) {
    return data.length() > 8 && "ftyp".equals(data.getString(4, 8));
  }

  @Test
  void aRenameKeepsFfmpegAndEveryViewerPlaying() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(1).start());
    RunningService service = opened.open(RunningService.start(config(camera, new JsonObject().put("name", "Door"))));
    assertTrue(service.awaitState("door", "live", 15_000), "live: " + service.status("door"));
    ViewerClient mp4 = opened.open(service.viewer("door", "?format=mp4"));
    ViewerClient jpeg = opened.open(service.viewer("door"));
    assertTrue(mp4.awaitFrames(10, 10_000) && jpeg.awaitFrames(10, 10_000), "both viewers play");
    long pid = service.status("door").getLong("pid");

    long renamedAt = System.currentTimeMillis();
    service.reload(config(camera, new JsonObject().put("name", "Front door")));
    assertTrue(Processes.waitFor(5000, () -> "Front door".equals(service.status("door").getString("name"))),
        "the API says the new name: " + service.status("door"));
    Thread.sleep(2000);
    long until = System.currentTimeMillis();

    JsonObject status = service.status("door");
    assertEquals(pid, status.getLong("pid"), "the same ffmpeg");
    assertEquals("live", status.getString("state"));
    assertEquals(0, status.getLong("restarts"));
    assertTrue(mp4.longestGap(renamedAt - 500, until) <= 500, "MP4 viewer's longest gap "
        + mp4.longestGap(renamedAt - 500, until) + " ms");
    assertTrue(jpeg.longestGap(renamedAt - 500, until) <= 500, "JPEG viewer's longest gap "
        + jpeg.longestGap(renamedAt - 500, until) + " ms");
    assertTrue(mp4.texts.stream().anyMatch(t -> "Front door".equals(t.getString("name"))),
        "connected viewers are told the new name");
    assertFalse(mp4.closed.isDone() || jpeg.closed.isDone(), "nobody was sent away");
  }

  /**
   * A worker replaced after it sent many frames: the new one numbers from 1 again, and its frames must not be
   * taken for old ones (which left MP4 viewers frozen for as long as the old worker had run).
   */
  @Test
  void mp4ViewersGetTheNewWorkersPicturesWithoutReconnecting() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(1).start());
    JsonObject rtsp = new JsonObject().put("port", FreePort.onLoopback());
    RunningService service = opened.open(RunningService.start(config(camera, new JsonObject()).put("rtsp", rtsp)));
    assertTrue(service.awaitState("door", "live", 15_000), "live: " + service.status("door"));
    ViewerClient mp4 = opened.open(service.viewer("door", "?format=mp4"));
    // An RTSP reader of the re-stream, as an NVR: the new worker's pictures go on in its one RTP stream.
    ToolRun reader = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-stats", "-rtsp_transport", "tcp", "-i", "rtsp://127.0.0.1:" + rtsp.getInteger("port") + "/door",
        "-c", "copy", "-f", "matroska", "-y", "/dev/null"));
    // long enough that the old worker's frame numbers are far ahead of where the new one starts
    assertTrue(mp4.awaitFrames(150, 20_000), "the first worker sent 10 s of video: " + mp4.frames.size());
    long pid = service.status("door").getLong("pid");

    long changedAt = System.currentTimeMillis();
    int before = mp4.frames.size();
    int readBefore = reader.framesRead();
    service.reload(config(camera, new JsonObject().put("timeout", 11)).put("rtsp", rtsp));
    assertTrue(Processes.waitFor(6000, () -> mp4.frames.size() > before + 5
            && mp4.frames.subList(before, mp4.frames.size()).stream().anyMatch(WorkerReplacementTest::isInitSegment)),
        "the new worker's init segment and pictures reach the viewer within 6 s, got "
            + (mp4.frames.size() - before) + " messages");
    List<Buffer> since = mp4.frames.subList(before, mp4.frames.size());
    int init = 0;
    while (!isInitSegment(since.get(init))) {
      init++;
    }
    assertTrue(since.size() > init + 1, "pictures follow the new init segment");
    assertTrue(service.status("door").getLong("pid") != pid, "a new ffmpeg");
    assertFalse(mp4.closed.isDone(), "the viewer stayed connected");
    assertTrue(Processes.waitFor(5000, () -> reader.framesRead() > readBefore + 30), "the RTSP reader goes on: "
        + readBefore + " then " + reader.framesRead());
    assertTrue(reader.isAlive(), "its session was not ended");
    assertFalse(reader.output().contains("Non-monoton"), "its timestamps went on forward: " + reader.output());
    System.out.printf("new worker's first picture at the viewer %d ms after the change%n",
        mp4.frameTimes.get(before + init + 1) - changedAt);
  }
}
