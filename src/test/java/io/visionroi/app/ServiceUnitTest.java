package io.visionroi.app;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/visionroi.service as systemd reads it. */
class ServiceUnitTest {

  private static final Path UNIT = Path.of("scripts", "visionroi.service");

  @Test
  void systemdAcceptsTheUnitWithoutAWarning() throws Exception {
    Process verify = new ProcessBuilder("systemd-analyze", "verify", UNIT.toString()).redirectErrorStream(true).start();
    String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, verify.exitValue(), out);
    // systemd-analyze exits 0 on unknown keys and bad values, and only says so: any word from it is a defect.
    assertEquals("", out.strip());
  }

  @Test
  void stopNeverHangsAndNoChildOutlivesTheService() throws Exception {
    String unit = Files.readString(UNIT);
    assertTrue(unit.contains("\nKillMode=mixed\n"), "systemd SIGKILLs what is left of the control group");
    assertTrue(unit.contains("\nTimeoutStopSec=5\n"), "a bounded stop");
    assertTrue(unit.contains("\nRestart=on-failure\n"));
    assertTrue(unit.contains("\nUser=visionroi\n"), "not root");
  }

  @Test
  void systemdRatesTheUnitsHardeningThreeOrBetterWithoutBreakingCamerasOrTheJvm() throws Exception {
    Process analyze = new ProcessBuilder("systemd-analyze", "security", "--offline=true", UNIT.toString())
        .redirectErrorStream(true).start();
    String out = new String(analyze.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(analyze.waitFor(30, TimeUnit.SECONDS));
    java.util.regex.Matcher level = java.util.regex.Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)")
        .matcher(out);
    assertTrue(level.find(), out);
    assertTrue(Double.parseDouble(level.group(1)) <= 3.0, "exposure " + level.group(1) + "\n" + out);
    String unit = Files.readString(UNIT);
    assertTrue(unit.contains("\nDeviceAllow=char-video4linux rw\n"), "USB cameras still open");
    assertTrue(!unit.contains("\nMemoryDenyWriteExecute=yes"), "the JIT needs writable code");
    assertTrue(unit.contains("\nProtectProc=invisible\n"), "camera passwords on ffmpeg's command line stay hidden");
  }
}
