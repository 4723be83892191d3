package io.visionroi.watchdog;

import io.visionroi.bus.CameraState;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.StreamSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine alone, on a clock of our own (times in ms). */
class CameraMonitorTest {

  private static final StreamSettings STREAM = new StreamSettings(Duration.ofMillis(3500), Duration.ofMillis(1500),
      Duration.ofMillis(1500), Duration.ofMillis(600));

  private final CameraMonitor monitor = new CameraMonitor(CameraConfig.of("c", "C", "rtsp://u:pw@cam/x"), STREAM, 0);

  private void goLive() {
    assertEquals(FfmpegAction.START, monitor.begin(0).action());
    monitor.onStarted(1, 100);
    CameraMonitor.Decision d = monitor.onFrame(500, 1);
    assertEquals(CameraState.LIVE, d.transition().to());
    assertTrue(d.announce());
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
    monitor.tick(4000); // outage: announced, and a new ffmpeg at 4000, 5500, 7000, ...
    monitor.onStarted(2, 101);
    assertFalse(monitor.tick(4200).announce());
    assertFalse(monitor.tick(5500).announce(), "not with the next ffmpeg start: its first frame would find no viewer");
    assertFalse(monitor.tick(6249).announce());
    assertTrue(monitor.tick(6250).announce());
    assertFalse(monitor.tick(7000).announce());
    assertFalse(monitor.tick(7749).announce());
    assertTrue(monitor.tick(7750).announce(), "then every retry");
  }

  @Test
  void inAnOutageASilentGenerationIsReplacedEveryRetry() {
    goLive();
    monitor.tick(4000); // generation 2 starts at 4000
    monitor.onStarted(2, 101);
    assertNull(monitor.tick(5400).action());
    assertEquals(FfmpegAction.START, monitor.tick(5500).action(), "still silent after outageRetry: replaced");
    monitor.onStarted(3, 102);
    monitor.onFrame(6000, 3);
    assertNull(monitor.tick(7000).action(), "a generation that gives video stays");
  }

  @Test
  void framesOfAReplacedGenerationAreStale() {
    goLive();
    monitor.tick(4000);
    monitor.onStarted(2, 101);
    assertNull(monitor.onFrame(4100, 1).transition(), "a late frame of generation 1 does not make it live");
    assertEquals(CameraState.LIVE, monitor.onFrame(4200, 2).transition().to());
  }

  @Test
  void exitedFfmpegIsRestartedAtTheRetryPaceAndTheOutageStartsAfterGrace() {
    goLive();
    monitor.onFrame(9000, 1);
    monitor.onExited(9500, 1, "rtsp://u:***@cam/x: Connection refused");
    assertEquals(FfmpegAction.START, monitor.tick(9600).action(), "a camera live for long is restarted at once");
    monitor.onStarted(2, 102);
    monitor.onExited(9700, 2, "Connection refused");
    assertNull(monitor.tick(11000).action());
    assertEquals(FfmpegAction.START, monitor.tick(11100).action(), "1.5 s after the previous start");
    monitor.onStarted(3, 103);
    monitor.onExited(11200, 3, "Connection refused");
    assertNull(monitor.tick(12400).transition());
    CameraMonitor.Decision d = monitor.tick(12500);
    assertEquals(CameraState.OUTAGE, d.transition().to(), "3.5 s after the last frame");
    assertEquals("Connection refused", d.transition().reason());
  }

  @Test
  void aDeadCameraIsRetriedLessOftenAfterTheFirstThirtySeconds() {
    goLive();
    long now = 500;
    int startsInFirstMinute = 0;
    long generation = 1;
    for (; now < 60_500; now += 100) {
      CameraMonitor.Decision d = monitor.tick(now);
      if (d.action() == FfmpegAction.START) {
        startsInFirstMinute++;
        monitor.onStarted(++generation, 200 + generation);
        monitor.onExited(now + 50, generation, "Connection refused");
      }
    }
    // 30 s at one start per 1.5 s, then 3, 6, 12, 24 s spacing: about 20 + 4.
    assertTrue(startsInFirstMinute >= 20 && startsInFirstMinute <= 25, "starts: " + startsInFirstMinute);
  }

  @Test
  void permanentErrorMakesTheCameraFailed() {
    monitor.begin(0);
    monitor.onStarted(1, 100);
    CameraMonitor.Decision d = monitor.onExited(300, 1, "x.mp4: No such file or directory");
    assertEquals(CameraState.FAILED, d.transition().to());
    assertTrue(d.announce());
  }

  @Test
  void missingBinaryMakesTheCameraFailedAndItIsRetried() {
    monitor.begin(0);
    CameraMonitor.Decision d = monitor.onSpawnFailed(10, "ffmpeg not found: 'nope' (set ffmpeg.path or FFMPEG_PATH)");
    assertEquals(CameraState.FAILED, d.transition().to());
    assertEquals(FfmpegAction.START, monitor.tick(1500).action());
  }

  @Test
  void anOnDemandCameraRunsOnlyWhileWatched() {
    CameraMonitor lazy = new CameraMonitor(new io.visionroi.config.CameraConfig("d", "D", "http://cam/x", true, "tcp",
        Duration.ofSeconds(10), java.util.List.of(), null, null, null, 5,
        io.visionroi.config.CameraConfig.Passthrough.AUTO, true, Duration.ofSeconds(2)), STREAM, 0);
    assertEquals(CameraState.STOPPED, lazy.begin(0).transition().to());
    assertNull(lazy.tick(60_000).action(), "idle: no ffmpeg, no outage");
    CameraMonitor.Decision woken = lazy.onViewers(60_000, 1);
    assertEquals(FfmpegAction.START, woken.action());
    assertEquals(CameraState.STARTING, woken.transition().to());
    lazy.onStarted(1, 300);
    assertEquals(CameraState.LIVE, lazy.onFrame(60_400, 1).transition().to());
    lazy.onFrame(61_000, 1);
    lazy.onViewers(61_000, 0);
    assertNull(lazy.tick(62_900).action(), "stays for idleStop after the last viewer");
    CameraMonitor.Decision idle = lazy.tick(63_000);
    assertEquals(FfmpegAction.STOP, idle.action());
    assertEquals(CameraState.STOPPED, idle.transition().to());
  }

  @Test
  void statusMasksTheUrl() {
    goLive();
    assertEquals("rtsp://u:***@cam/x", monitor.status(600, "n").url());
    assertEquals(100L, monitor.status(600, "n").pid());
    assertEquals(100L, monitor.status(600, "n").lastFrameAgeMs());
  }
}
