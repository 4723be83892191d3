package io.visionroi.camera;

import io.visionroi.support.BlackholeCamera;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.Resources;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real IP-camera behaviour against a real RTSP server (GStreamer's, scripts/rtsp-camera.py): H.264 and
 * H.265 with real keyframe intervals, MJPEG over RTSP, TCP and UDP, passwords; cameras that freeze, reboot,
 * refuse or never answer. Bounds have margins for a busy 2-core machine; exact timings are in the benches.
 */
class RtspCameraTest {

  private final Resources opened = new Resources();
  private RunningService service;

  @AfterEach
  void tearDown() throws Exception {
    opened.close();
  }

  private static JsonObject config(double grace, double retry, JsonObject... cameras) {
    return new JsonObject().put("stream", new JsonObject().put("outageGrace", grace).put("outageRetry", retry))
        .put("cameras", new JsonArray(List.of((Object[]) cameras)));
  }

  private static JsonObject camera(String id, String url) {
    return new JsonObject().put("id", id).put("url", url);
  }

  /** Samples the camera's ffmpeg processes every 20 ms on a thread of its own, until closed. */
  private static final class SessionWatch implements AutoCloseable {
    final Set<Long> seen = new HashSet<>();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    SessionWatch(String needle) {
      thread = new Thread(() -> {
        while (running) {
          List<Long> now = Processes.ffmpegWith(needle);
          synchronized (seen) {
            seen.addAll(now);
          }
          mostAtOnce.accumulateAndGet(now.size(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "session-watch");
      thread.setDaemon(true);
      thread.start();
    }

    int started() {
      synchronized (seen) {
        return seen.size();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(2000);
    }
  }

  @Test
  void frozenCameraIsBackAfterTheThawWithOneSessionAtATime() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(2).start());
    service = opened.open(RunningService.start(config(2, 1, camera("door", camera.url()))));
    assertTrue(service.awaitState("door", "live", 15_000), "live: " + service.status("door"));
    assertEquals("h264", service.status("door").getString("codec"));
    ViewerClient viewer = service.viewer("door");
    assertTrue(viewer.awaitFrames(5, 5000));

    SessionWatch sessions = opened.open(new SessionWatch(":" + camera.port() + "/"));
    camera.freeze();
    ViewerClient.Close close = viewer.awaitClose(2000 + 3000);
    assertEquals(1013, close.code(), "viewers are sent away after outageGrace");
    Thread.sleep(5000); // frozen for about 7 s in all: an ffmpeg that kept restarting would show here
    camera.thaw();
    long thawedAt = System.currentTimeMillis();
    ViewerClient back = service.reconnectUntilFrames("door", 12_000);
    long backAfter = System.currentTimeMillis() - thawedAt;
    sessions.close();
    assertNotNull(back, "a reconnecting viewer gets video after the thaw: " + service.status("door"));
    back.close();
    assertTrue(backAfter < 8000, "back " + backAfter + " ms after the thaw");
    assertEquals(1, sessions.mostAtOnce.get(), "never two ffmpeg on the camera at once");
    assertTrue(sessions.started() <= 3, sessions.started() + " ffmpeg during a 7 s freeze: the one waiting for the camera "
        + "must be left to connect, not replaced every retry");
    assertNull(service.status("door").getString("lastError"), "no past error shown once live");
  }

  @Test
  void rebootedCameraIsAnOutageAndBackSoonAfterItAnswersAgain() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(1).start());
    service = opened.open(RunningService.start(config(2, 1, camera("gate", camera.url()))));
    assertTrue(service.awaitState("gate", "live", 15_000), "live: " + service.status("gate"));
    camera.stop();
    assertTrue(Processes.waitFor(1500, () -> !"live".equals(service.status("gate").getString("state"))),
        "an exited ffmpeg is not live: " + service.status("gate"));
    assertTrue(service.awaitState("gate", "outage", 2000 + 2000), "an outage after outageGrace: " + service.status("gate"));
    assertTrue(Processes.waitFor(3000, () -> String.valueOf(service.status("gate").getString("lastError"))
        .contains("Connection refused")), "refused while it is down: " + service.status("gate"));
    Thread.sleep(3000);
    assertEquals("outage", service.status("gate").getString("state"), "refused is an outage, not a failure");
    camera.start();
    long upAt = System.currentTimeMillis();
    assertTrue(service.awaitState("gate", "live", 10_000), "live again: " + service.status("gate"));
    long liveAfter = System.currentTimeMillis() - upAt;
    assertTrue(liveAfter < 7000, "live " + liveAfter + " ms after the camera answered again");
  }

  @Test
  void timestampsThatJumpBackDoNotStopTheVideo() throws Exception {
    // Every 3 s the camera's clock steps back 2 s, as an NTP correction or a joining client does.
    RtspCamera camera = opened.open(RtspCamera.h264(1).size("320x240").jumpingBack(3, 2).start());
    service = opened.open(RunningService.start(config(2, 1, camera("clock", camera.url()))));
    assertTrue(service.awaitState("clock", "live", 15_000), "live: " + service.status("clock"));
    try (ViewerClient viewer = service.viewer("clock")) {
      assertTrue(viewer.awaitFrames(1, 5000));
      int before = viewer.frames.size();
      Thread.sleep(10_000); // three jumps
      List<Long> times = viewer.frameTimes.subList(before, viewer.frameTimes.size());
      long longestGap = 0;
      for (int i = 1; i < times.size(); i++) {
        longestGap = Math.max(longestGap, times.get(i) - times.get(i - 1));
      }
      assertTrue(times.size() >= 100, times.size() + " frames in 10 s of a 15 fps camera");
      assertTrue(longestGap < 1000, "video never stopped: longest gap " + longestGap + " ms");
    }
    assertEquals(0, service.status("clock").getLong("restarts"), "no ffmpeg died of a jump: " + service.status("clock"));
  }

  @Test
  void everyKindOfCameraStartsAndEveryBadOneIsToldApart() throws Exception {
    // Shared, with a client watching already, as an NVR would: the service joins in the middle of a 10 s
    // keyframe interval and its ffmpeg has to wait for the next keyframe.
    RtspCamera longGop = opened.open(RtspCamera.h264(10).size("320x240").shared().start());
    opened.open(otherClient(longGop.url()));
    Thread.sleep(2000);
    RtspCamera hevcOverUdp = opened.open(RtspCamera.h265(4).size("320x240").start());
    RtspCamera mjpeg = opened.open(RtspCamera.mjpeg().size("320x240").start());
    RtspCamera locked = opened.open(RtspCamera.h264(1).size("320x240").withAuth("admin", "Sup3r-Secret").start());
    BlackholeCamera blackhole = opened.open(new BlackholeCamera());
    int refusing = io.visionroi.support.FreePort.onLoopback();
    SessionWatch refusedSpawns = opened.open(new SessionWatch(":" + refusing + "/"));
    SessionWatch blackholeSpawns = opened.open(new SessionWatch(":" + blackhole.port() + "/"));
    service = opened.open(RunningService.start(config(3.5, 1.5,
        camera("long-gop", longGop.url()),
        camera("hevc-udp", hevcOverUdp.url()).put("rtspTransport", "udp"),
        camera("mjpeg", mjpeg.url()),
        camera("locked", locked.url()),
        camera("wrong-password", locked.urlWith("admin", "Wr0ng-Guess")),
        camera("wrong-path", "rtsp://admin:Sup3r-Secret@127.0.0.1:" + locked.port() + "/nothing"),
        camera("blackhole", blackhole.url()),
        camera("refusing", "rtsp://127.0.0.1:" + refusing + "/cam"))));
    long startedAt = System.currentTimeMillis();

    assertTrue(service.awaitState("wrong-password", "failed", 10_000), service.status("wrong-password").encode());
    JsonObject wrongPassword = service.status("wrong-password");
    assertTrue(wrongPassword.getString("reason").contains("401"), wrongPassword.encode());
    assertFalse(wrongPassword.encode().contains("Wr0ng-Guess"), "password masked: " + wrongPassword.encode());
    assertTrue(service.awaitState("wrong-path", "failed", 10_000), service.status("wrong-path").encode());
    assertTrue(service.status("wrong-path").getString("reason").contains("404"), service.status("wrong-path").encode());

    assertTrue(service.awaitState("locked", "live", 15_000), service.status("locked").encode());
    assertTrue(service.awaitState("mjpeg", "live", 15_000), service.status("mjpeg").encode());
    assertEquals("mjpeg", service.status("mjpeg").getString("codec"));
    String copying = commandLine(service.status("mjpeg").getLong("pid"));
    assertTrue(copying.contains("-c:v copy"), "MJPEG over RTSP is passed through: " + copying);
    assertTrue(service.awaitState("hevc-udp", "live", 15_000), service.status("hevc-udp").encode());
    assertEquals("hevc", service.status("hevc-udp").getString("codec"));
    try (ViewerClient viewer = service.viewer("hevc-udp")) {
      assertTrue(viewer.awaitFrames(5, 5000));
      viewer.frames.forEach(f -> assertTrue(ViewerClient.isJpeg(f)));
    }

    assertTrue(service.awaitState("long-gop", "live", 22_000), service.status("long-gop").encode());
    assertEquals(0, service.status("long-gop").getLong("restarts"),
        "a camera with a 10 s keyframe interval is not killed while it waits for its first keyframe");

    assertTrue(service.awaitState("refusing", "outage", 8000), service.status("refusing").encode());
    assertTrue(service.status("refusing").getString("lastError").contains("Connection refused"), service.status("refusing").encode());
    assertTrue(service.awaitState("blackhole", "outage", 8000), service.status("blackhole").encode());
    assertTrue(blackhole.accepted() >= 1);
    // In an outage a retry asks the camera first (one RTSP OPTIONS) and starts no ffmpeg while it does not
    // answer: dead cameras cost next to nothing.
    Thread.sleep(Math.max(0, 14_000 - (System.currentTimeMillis() - startedAt)));
    refusedSpawns.close();
    blackholeSpawns.close();
    assertTrue(refusedSpawns.started() <= 4, refusedSpawns.started() + " ffmpeg for a refusing camera in 14 s");
    assertTrue(blackholeSpawns.started() <= 1, blackholeSpawns.started() + " ffmpeg for a blackholed camera in 14 s");
    assertTrue(blackhole.accepted() >= 2, "asked again: " + blackhole.accepted());
  }

  /** Another client of the camera, as an NVR recording it: a plain ffmpeg reading it to nowhere. */
  private static AutoCloseable otherClient(String url) throws Exception {
    Process client = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "ffmpeg", "-hide_banner", "-nostdin",
        "-loglevel", "quiet", "-rtsp_transport", "tcp", "-i", url, "-c", "copy", "-f", "null", "-")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return () -> {
      client.destroyForcibly();
      client.waitFor();
    };
  }

  private static String commandLine(long pid) throws Exception {
    return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
  }
}
