package io.visionroi.bench;

import io.visionroi.support.FreePort;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the RTSP re-stream costs per reader: one real RTSP camera (GStreamer's x264, 1280x720@15, a noisy
 * picture at 4 Mbit/s, a keyframe every 2 s, one encoder for all its sessions) served by the packaged jar,
 * read through the re-stream by 0, 1, 10 and 50 readers at once (plain Java RTSP clients in the bench's JVM),
 * with one more reader on the camera itself as the baseline of the same run. Per window: the service JVM's
 * CPU, what it adds per reader, pictures per second at the slowest reader, bytes per second to a reader, and
 * the delay the service adds: each keyframe's arrival at a re-stream reader after its arrival at the direct
 * reader, p50/p95. Loopback only; scripts/bench-restream.sh.
 */
public final class RestreamBench {

  private static final int WARM_UP_SECONDS = 40;
  private static final int WINDOW_SECONDS = 20;

  private RestreamBench() {
  }

  /** @param args the camera's frames per second (15) */
  public static void main(String[] args) throws Exception {
    int fps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restream-bench");
    StringBuilder rows = new StringBuilder();
    int rtspPort = FreePort.onLoopback();
    try (RtspCamera camera = RtspCamera.h264(2).size("1280x720").fps(fps).noisyAt(4000).shared().start();
        JarProcess jar = JarProcess.start(work, new JsonObject().put("rtsp", new JsonObject().put("port", rtspPort))
            .put("cameras", new JsonArray().add(new JsonObject().put("id", "door").put("url", camera.url()))))) {
      jar.awaitStarted(30_000);
      String restream = "rtsp://127.0.0.1:" + rtspPort + "/door";
      try (RtspReader direct = new RtspReader(camera.url())) {
        Thread.sleep(5000);
        window(jar, restream, direct, 10, WARM_UP_SECONDS); // JIT and heap settle
        double base = 0;
        for (int readers : new int[] {0, 1, 10, 50}) {
          Window w = window(jar, restream, direct, readers, WINDOW_SECONDS);
          if (readers == 0) {
            base = w.jvmCpu;
          }
          rows.append(w.row(readers, base));
        }
      }
      Processes.signal(jar.pid(), "TERM");
      jar.awaitExit(5000);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    BenchReport.writeSection("restream", "## RTSP re-stream\n\n"
        + "`scripts/bench-restream.sh` on " + LocalDate.now() + ", " + BenchReport.machine() + ". One real RTSP "
        + "camera (GStreamer's x264, 1280x720@" + fps + ", a noisy picture at 4 Mbit/s, a keyframe every 2 s, one "
        + "encoder for all its sessions, on the same 2 cores) served by the packaged jar, read through "
        + "`rtsp://…:8554/door` by N readers at once (plain Java RTSP clients over interleaved TCP in the bench's "
        + "JVM), and by one reader on the camera itself: the baseline of the same run. " + WINDOW_SECONDS
        + " s windows after " + WARM_UP_SECONDS + " s of warm-up with 10 readers. JVM CPU in % of one core; "
        + "per reader: above the window without readers, divided by N. Added delay: each keyframe's first "
        + "packet at the first re-stream reader after the same keyframe at the direct reader, p50/p95. The "
        + "camera keeps one session from the service whatever N. The added delay is two of the camera's frame "
        + "intervals, whatever N: ffmpeg's H.264 parser ends a picture only when the next one begins, and its MP4 "
        + "muxer writes a sample only when the next one gives its duration. The browser's MP4 viewers get the same "
        + "two intervals, which the MP4 bench's read → viewer latency does not include.\n\n"
        + "| readers | JVM CPU | JVM CPU per reader | pictures/s at the slowest reader | bytes/s to a reader "
        + "| added delay p50 / p95 |\n| --- | --- | --- | --- | --- | --- |\n" + rows);
    System.exit(0);
  }

  private record Window(double jvmCpu, double slowestFps, double bytesPerReader, List<Long> delays) {
    String row(int readers, double base) {
      return String.format(Locale.ROOT, "| %d | %.1f %% | %s | %s | %s | %s |%n", readers, jvmCpu,
          readers == 0 ? "–" : String.format(Locale.ROOT, "%.2f %%", (jvmCpu - base) / readers),
          readers == 0 ? "–" : String.format(Locale.ROOT, "%.1f", slowestFps),
          readers == 0 ? "–" : String.format(Locale.ROOT, "%.0f KB/s", bytesPerReader / 1024),
          delays.isEmpty() ? "–" : BenchReport.percentile(delays, 0.5) + " / " + BenchReport.percentile(delays, 0.95)
              + " ms");
    }
  }

  private static Window window(JarProcess jar, String restream, RtspReader direct, int count, int seconds)
      throws Exception {
    List<RtspReader> readers = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        readers.add(new RtspReader(restream));
      }
      Thread.sleep(4000); // past each reader's replayed group
      long[] pictures0 = readers.stream().mapToLong(r -> r.pictures.get()).toArray();
      long bytes0 = readers.stream().mapToLong(r -> r.bytes.get()).sum();
      long from = System.nanoTime();
      long cpu0 = BenchReport.cpuTicks(jar.pid());
      Thread.sleep(seconds * 1000L);
      double cpu = (BenchReport.cpuTicks(jar.pid()) - cpu0) * 100.0 / (seconds * 100.0);
      double slowest = Double.MAX_VALUE;
      for (int i = 0; i < readers.size(); i++) {
        slowest = Math.min(slowest, (readers.get(i).pictures.get() - pictures0[i]) / (double) seconds);
      }
      double bytes = readers.isEmpty() ? 0
          : (readers.stream().mapToLong(r -> r.bytes.get()).sum() - bytes0) / (double) seconds / readers.size();
      List<Long> delays = new ArrayList<>();
      if (!readers.isEmpty()) {
        for (long at : readers.get(0).keyframes) {
          if (at < from) {
            continue;
          }
          long before = direct.keyframes.stream().filter(d -> d <= at).mapToLong(Long::longValue).max().orElse(-1);
          if (before > 0 && at - before < 1_000_000_000L) {
            delays.add((at - before) / 1_000_000);
          }
        }
      }
      return new Window(cpu, slowest, bytes, delays);
    } finally {
      for (RtspReader reader : readers) {
        reader.close();
      }
    }
  }
}
