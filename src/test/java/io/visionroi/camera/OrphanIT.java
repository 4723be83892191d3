package io.visionroi.camera;

import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service SIGKILLed: its ffmpeg must not live on, and the next start cleans up after it. */
class OrphanIT {

  @TempDir
  Path dir;

  private static final JsonObject TWO_CAMERAS = new JsonObject("""
      {"cameras": [{"id": "a", "url": "lavfi:testsrc2=size=160x120:rate=5"},
                   {"id": "b", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}""");

  @Test
  void sigkilledServiceTakesItsFfmpegWithIt() throws Exception {
    try (JarProcess jar = JarProcess.start(dir, TWO_CAMERAS, "VISIONROI_RUN_DIR=" + dir.resolve("run"))) {
      jar.awaitStarted(20_000);
      assertTrue(Processes.waitFor(10_000, () -> jar.ffmpegPids().size() == 2));
      List<Long> ffmpeg = jar.ffmpegPids();
      Processes.signal(jar.pid(), "KILL");
      jar.awaitExit(5000);
      assertTrue(Processes.waitFor(2000, () -> ffmpeg.stream().noneMatch(Processes::isRunning)),
          "the kernel kills ffmpeg with its parent (parent-death signal)");
    }
  }

  @Test
  void nextStartKillsTheGroupsAPreviousRunLeftAndNoOthers() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    Process leftover = ownGroupFfmpeg();
    Process unrelated = ownGroupFfmpeg();
    try {
      assertTrue(Processes.waitFor(5000, () -> "ffmpeg".equals(command(leftover.pid()))
          && "ffmpeg".equals(command(unrelated.pid()))));
      long deadJvm = deadPid();
      // The crashed run recorded the leftover, and a pid that is now some other ffmpeg (other start time).
      Files.write(run.resolve("ffmpeg-groups-" + deadJvm + ".txt"), List.of(
          "jvm " + deadJvm + " 1",
          "ffmpeg " + leftover.pid() + " " + startTime(leftover.pid()),
          "ffmpeg " + unrelated.pid() + " " + (startTime(unrelated.pid()) + 1)));
      // A running instance's record is never touched.
      long self = ProcessHandle.current().pid();
      Path alive = run.resolve("ffmpeg-groups-" + self + ".txt");
      Files.write(alive, List.of("jvm " + self + " " + startTime(self),
          "ffmpeg " + unrelated.pid() + " " + startTime(unrelated.pid())));

      try (JarProcess jar = JarProcess.start(dir, TWO_CAMERAS, "VISIONROI_RUN_DIR=" + run)) {
        jar.awaitStarted(20_000);
        assertTrue(leftover.waitFor(5, TimeUnit.SECONDS), "the recorded leftover group is killed");
        assertTrue(unrelated.isAlive(), "an ffmpeg that is not the recorded one is left alone");
        assertTrue(Files.exists(alive));
        assertFalse(Files.exists(run.resolve("ffmpeg-groups-" + deadJvm + ".txt")));
        assertTrue(jar.output.stream().anyMatch(l -> l.contains("killed 1 ffmpeg group(s) left by a previous run")));
        Processes.signal(jar.pid(), "TERM");
        assertEquals(0, jar.awaitExit(5000));
      }
    } finally {
      leftover.destroyForcibly();
      unrelated.destroyForcibly();
      leftover.waitFor(5, TimeUnit.SECONDS);
      unrelated.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static Process ownGroupFfmpeg() throws Exception {
    return new ProcessBuilder("setsid", "ffmpeg", "-nostdin", "-loglevel", "quiet", "-re", "-f", "lavfi", "-i",
        "testsrc2=size=64x48:rate=2", "-f", "null", "-")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static String command(long pid) {
    return ProcStat.of(pid).map(ProcStat::command).orElse("");
  }

  private static long startTime(long pid) {
    return ProcStat.of(pid).orElseThrow().startTime();
  }
}
