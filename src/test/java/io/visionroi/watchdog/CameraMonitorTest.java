package io.visionroi.watchdog;

import io.visionroi.bus.CameraState;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.StreamFormat;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.StreamSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine alone, on a clock of our own (times in ms). */
class CameraMonitorTest {

  private static final StreamSettings STREAM = new StreamSettings(Duration.ofMillis(3500), Duration.ofMillis(1500),
      Duration.ofSeconds(20), Duration.ofMillis(1500), Duration.ofMillis(600));

  private final CameraMonitor monitor = new CameraMonitor(CameraConfig.of("c", "C", "rtsp://u:pw@cam/x"), STREAM, 0);

  private final Map<CameraMonitor, FrameClock> clocks = new HashMap<>();

  /** The camera's worker read a picture of generation {@code gen} at {@code at}, and the watchdog looked. */
  private CameraMonitor.Decision picture(CameraMonitor camera, long at, long gen) {
    FrameClock clock = clocks.computeIfAbsent(camera, c -> new FrameClock());
    clock.count(gen, at);
    return camera.onPictures(at, clock.read());
  }

  private void goLive() {
    assertEquals(FfmpegAction.START, monitor.begin(0).action());
    monitor.onStarted(1, 100, StreamFormat.JPEG);
    CameraMonitor.Decision d = picture(monitor, 500, 1);
    assertEquals(CameraState.LIVE, d.transition().to());
    assertTrue(d.announce());
  }

  @Test
  void anMp4CameraSaysWhatItSends() {
    monitor.begin(0);
    assertTrue(monitor.onStarted(1, 100, StreamFormat.MP4).announce(), "a new output is news for viewers");
    assertEquals("mp4", monitor.status(450, "n").toJson().getString("output"));
    assertNull(monitor.status(450, "n").mime(), "until the init segment was read");
    assertTrue(monitor.onMedia(1, "video/mp4; codecs=\"avc1.640028\"").announce());
    assertEquals(CameraState.LIVE, picture(monitor, 500, 1).transition().to());
    assertEquals(CameraState.OUTAGE, monitor.tick(4000).transition().to());
    assertEquals("video/mp4; codecs=\"avc1.640028\"", monitor.status(4000, "n").mime());
  }

  @Test
  void aStalledWatchdogGivesTheCameraAFullGraceBeforeCallingItSilent() {
    goLive();
    // The process was frozen from 1000 to 11000: the watchdog's first look after it must not judge the camera.
    monitor.resumeAfterStall(11_000);
    CameraMonitor.Decision woken = monitor.tick(11_000);
    assertNull(woken.transition(), "no outage for the watchdog's own silence");
    assertNull(woken.action(), "no restart either");
    assertNull(monitor.tick(14_499).transition());
    // Still no frame a full grace after waking: now it is the camera.
    CameraMonitor.Decision silent = monitor.tick(14_500);
    assertEquals(CameraState.OUTAGE, silent.transition().to());
    assertEquals(FfmpegAction.START, silent.action());
  }

  @Test
  void hungFfmpegIsReplacedAfterGraceAndTheCameraIsInOutage() {
    goLive();
    assertEquals(CameraMonitor.Decision.NONE.action(), monitor.tick(3999).action());
    CameraMonitor.Decision d = monitor.tick(4000);
    assertEquals(CameraState.OUTAGE, d.transition().to());
    assertEquals("no video for 3.5 s", d.transition().reason());
    assertEquals(FfmpegAction.START, d.action(), "killed and replaced at once");
    assertTrue(d.announce(), "viewers are closed");
    assertEquals(1, monitor.status(4000, "n").restarts());
  }

  @Test
  void outageIsAnnouncedAgainEveryRetryHalfwayBetweenFfmpegStarts() {
    goLive();
    monitor.tick(4000); // outage: announced, and generation 2 starts
    monitor.onStarted(2, 101, StreamFormat.JPEG);
    monitor.onExited(4100, 2, "Connection refused"); // then a new ffmpeg at 5500, 7000, ...
    assertFalse(monitor.tick(4200).announce());
    CameraMonitor.Decision atRetry = monitor.tick(5500);
    assertEquals(FfmpegAction.START, atRetry.action());
    assertFalse(atRetry.announce(), "not with the next ffmpeg start: its first frame would find no viewer");
    monitor.onExited(5600, 3, "Connection refused");
    assertFalse(monitor.tick(6249).announce());
    assertTrue(monitor.tick(6250).announce());
    assertEquals(FfmpegAction.START, monitor.tick(7000).action());
    assertFalse(monitor.tick(7749).announce());
    assertTrue(monitor.tick(7750).announce(), "then every retry");
  }

  @Test
  void aStartingGenerationIsLeftToConnectUntilFirstFrameTimeout() {
    assertEquals(new FfmpegOrder(FfmpegAction.START, 1, false), monitor.begin(0).order(), "a first start asks nothing");
    monitor.onStarted(1, 100, StreamFormat.JPEG);
    CameraMonitor.Decision atGrace = monitor.tick(3500);
    assertEquals(CameraState.OUTAGE, atGrace.transition().to(), "viewers hear of it after outageGrace");
    assertNull(atGrace.action(), "but its ffmpeg keeps waiting for a keyframe");
    for (long t = 3700; t < 20_000; t += 200) {
      assertNull(monitor.tick(t).action(), "not replaced at " + t);
    }
    CameraMonitor.Decision replaced = monitor.tick(20_000);
    assertEquals(new FfmpegOrder(FfmpegAction.START, 2, true), replaced.order(),
        "replaced after firstFrameTimeout, asking the camera first now that it is in outage");
    assertTrue(monitor.status(20_000, "n").lastError().contains("stream.firstFrameTimeout"));
    monitor.onStarted(2, 101, StreamFormat.JPEG);
    assertEquals(CameraState.LIVE, picture(monitor, 21_000, 2).transition().to());
    assertNull(monitor.status(21_000, "n").lastError(), "a past error is not shown once live again");
  }

  @Test
  void inAnOutageAConnectingGenerationIsNotReplacedButAnExitedOneIsRetriedAtThePace() {
    goLive();
    monitor.tick(4000); // generation 2 starts at 4000
    monitor.onStarted(2, 101, StreamFormat.JPEG);
    assertNull(monitor.tick(5500).action(), "still connecting: left alone");
    assertNull(monitor.tick(12_000).action());
    CameraMonitor.Decision exited = monitor.onExited(12_100, 2, "rtsp://u:***@cam/x: Connection timed out");
    assertEquals(new FfmpegOrder(FfmpegAction.START, 3, true), exited.order(), "exited long after the last start: at once");
    monitor.onStarted(3, 102, StreamFormat.JPEG);
    assertNull(monitor.onExited(12_200, 3, "Connection refused").action());
    assertNull(monitor.tick(13_500).action());
    assertEquals(FfmpegAction.START, monitor.tick(13_600).action(), "outageRetry after the previous start");
    monitor.onStarted(4, 103, StreamFormat.JPEG);
    picture(monitor, 14_000, 4);
    assertNull(monitor.tick(16_000).action(), "a generation that gives video stays");
  }

  @Test
  void framesOfAReplacedGenerationAreStale() {
    goLive();
    monitor.tick(4000);
    monitor.onStarted(2, 101, StreamFormat.JPEG);
    assertNull(picture(monitor, 4100, 1).transition(), "a late frame of generation 1 does not make it live");
    assertEquals(CameraState.LIVE, picture(monitor, 4200, 2).transition().to());
  }

  @Test
  void aLiveCameraWhoseFfmpegExitsIsStartingAtOnceAndRestarted() {
    goLive();
    picture(monitor, 9000, 1);
    CameraMonitor.Decision d = monitor.onExited(9500, 1, "rtsp://u:***@cam/x: End of file");
    assertEquals(CameraState.STARTING, d.transition().to(), "no ffmpeg is no video: not live for another grace");
    assertEquals("rtsp://u:***@cam/x: End of file", d.transition().reason());
    assertTrue(d.announce(), "viewers hear of it, and stay for a quick reconnect");
    assertEquals(new FfmpegOrder(FfmpegAction.START, 2), d.order(), "a camera live for long is restarted at once");
    monitor.onStarted(2, 102, StreamFormat.JPEG);
    monitor.onExited(9700, 2, "Connection refused");
    assertNull(monitor.tick(10_900).action());
    assertEquals(FfmpegAction.START, monitor.tick(11_000).action(), "1.5 s after the previous start");
    monitor.onExited(11_100, 3, "Connection refused");
    assertNull(monitor.tick(12_400).transition());
    assertEquals(CameraState.OUTAGE, monitor.tick(12_500).transition().to(), "outageGrace after the last frame");
  }

  @Test
  void aSourceThatTurnsOutToBeMjpegGetsOneNewFfmpegWithoutAnOutage() {
    goLive();
    assertNull(monitor.onSource(600, 1, "h264", false).order());
    assertEquals("h264", monitor.status(600, "n").codec());
    CameraMonitor.Decision d = monitor.onSource(700, 1, "mjpeg", true);
    assertEquals(new FfmpegOrder(FfmpegAction.START, 2), d.order());
    assertNull(d.transition());
    assertNull(monitor.onSource(800, 1, "mjpeg", true).order(), "an event of the replaced generation is stale");
    assertEquals(0, monitor.status(800, "n").restarts(), "the planned switch is no restart");
    assertEquals(2, monitor.status(800, "n").generation());
  }

  @Test
  void aDeadCameraIsRetriedLessOftenAfterTheFirstThirtySeconds() {
    goLive();
    long now = 500;
    int startsInFirstMinute = 0;
    for (; now < 60_500; now += 100) {
      CameraMonitor.Decision d = monitor.tick(now);
      if (d.action() == FfmpegAction.START) {
        startsInFirstMinute++;
        long generation = d.order().generation();
        monitor.onStarted(generation, 200 + generation, StreamFormat.JPEG);
        monitor.onExited(now + 50, generation, "Connection refused");
      }
    }
    // 30 s at one start per 1.5 s, then 3, 6, 12, 24 s spacing: about 20 + 4.
    assertTrue(startsInFirstMinute >= 20 && startsInFirstMinute <= 25, "starts: " + startsInFirstMinute);
  }

  @Test
  void aWrongPasswordOrPathFailsTheCameraAndItIsRetriedSlowly() {
    monitor.begin(0);
    monitor.onStarted(1, 100, StreamFormat.JPEG);
    CameraMonitor.Decision d = monitor.onExited(300, 1, "[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized");
    assertEquals(CameraState.FAILED, d.transition().to());
    assertTrue(d.announce(), "viewers are sent away");
    assertEquals("[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized", monitor.status(300, "n").reason());
    long[] starts = new long[4];
    int count = 0;
    for (long t = 400; t < 50_000 && count < starts.length; t += 100) {
      CameraMonitor.Decision next = monitor.tick(t);
      if (next.action() == FfmpegAction.START) {
        starts[count++] = t;
        monitor.onStarted(next.order().generation(), 100 + count, StreamFormat.JPEG);
        monitor.onExited(t + 50, next.order().generation(), "method DESCRIBE failed: 404 Not Found");
      }
    }
    assertEquals(3000, starts[0], "not at the outage pace");
    assertEquals(6000, starts[1] - starts[0]);
    assertEquals(12_000, starts[2] - starts[1]);
    assertEquals(CameraState.FAILED, monitor.state());
  }

  @Test
  void missingBinaryMakesTheCameraFailedAndItIsRetried() {
    monitor.begin(0);
    CameraMonitor.Decision d = monitor.onCannotRun(10, 1, "ffmpeg not found: 'nope' (set ffmpeg.path or FFMPEG_PATH)");
    assertEquals(CameraState.FAILED, d.transition().to());
    assertNull(monitor.status(10, "n").output(), "no generation runs, so none sends anything");
    assertEquals(2990L, monitor.status(10, "n").retryInMs(), "viewers need not come back before the next try");
    assertNull(monitor.tick(2900).action());
    assertEquals(FfmpegAction.START, monitor.tick(3000).action());
    assertEquals(0L, monitor.status(3000, "n").retryInMs(), "while a try runs, its outcome is near");
  }

  @Test
  void anOnDemandCameraRunsOnlyWhileWatched() {
    CameraMonitor lazy = new CameraMonitor(new io.visionroi.config.CameraConfig("d", "D", "http://cam/x", true, "tcp",
        Duration.ofSeconds(10), java.util.List.of(), null, null, null, 5,
        io.visionroi.config.CameraConfig.Passthrough.AUTO,
        io.visionroi.config.CameraConfig.Output.AUTO, true, Duration.ofSeconds(2)), STREAM, 0);
    assertEquals(CameraState.STOPPED, lazy.begin(0).transition().to());
    assertNull(lazy.tick(60_000).action(), "idle: no ffmpeg, no outage");
    CameraMonitor.Decision woken = lazy.onViewers(60_000, 1);
    assertEquals(FfmpegAction.START, woken.action());
    assertEquals(CameraState.STARTING, woken.transition().to());
    lazy.onStarted(1, 300, StreamFormat.JPEG);
    assertEquals(CameraState.LIVE, picture(lazy, 60_400, 1).transition().to());
    picture(lazy, 61_000, 1);
    lazy.onViewers(61_000, 0);
    assertNull(lazy.tick(62_900).action(), "stays for idleStop after the last viewer");
    CameraMonitor.Decision idle = lazy.tick(63_000);
    assertEquals(FfmpegAction.STOP, idle.action());
    assertEquals(CameraState.STOPPED, idle.transition().to());
    assertEquals(CameraMonitor.Decision.NONE, picture(lazy, 63_010, 1), "a frame in flight when it stopped is stale");
    assertEquals(CameraState.STOPPED, lazy.state(), "never live without a viewer");
  }

  @Test
  void statusMasksTheUrl() {
    goLive();
    assertEquals("rtsp://u:***@cam/x", monitor.status(600, "n").url());
    assertEquals(100L, monitor.status(600, "n").pid());
    assertEquals(100L, monitor.status(600, "n").lastFrameAgeMs());
  }
}
