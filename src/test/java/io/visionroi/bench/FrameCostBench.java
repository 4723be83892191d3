package io.visionroi.bench;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the service's JVM spends per frame it sends: 8 HTTP MJPEG cameras of 640x480@15 passed through, and 8
 * sessions of an RTSP H.264 camera sent as MP4, one WebSocket viewer each, warm. The viewers run in a process of their own
 * ({@link ViewerProcess}), so their work is not counted. Given a second jar (a build of an earlier commit), both
 * run in turn, twice, in the same run: absolute times on a shared machine drift, the difference does not.
 * Usage: FrameCostBench WINDOW_SECONDS JAR [BASELINE_JAR]. Run by scripts/bench-frame-cost.sh; loopback only.
 */
public final class FrameCostBench {

  private static final int CAMERAS = 8;
  /** At 15 fps the send path is compiled only after about a minute. */
  private static final int WARM_UP_SECONDS = 60;
  private static final int WARM_UP_VIEWERS = 10;
  private static final int ROUNDS = 4;
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private FrameCostBench() {
  }

  public static void main(String[] args) throws Exception {
    int window = Integer.parseInt(args[0]);
    List<String> jars = List.of(args).subList(1, args.length);
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "frame-cost");
    List<FakeMjpegCamera> fakes = new ArrayList<>();
    StringBuilder rows = new StringBuilder();
    try (RtspCamera h264 = RtspCamera.h264(2).size("640x480").fps(15).shared().start()) {
      Path clip = mjpegClip(work);
      JsonArray jpeg = new JsonArray();
      JsonArray mp4 = new JsonArray();
      for (int i = 0; i < CAMERAS; i++) {
        FakeMjpegCamera fake = FakeMjpegCamera.replaying(clip).start();
        fakes.add(fake);
        jpeg.add(new JsonObject().put("id", "c" + i).put("url", fake.url()));
        mp4.add(new JsonObject().put("id", "c" + i).put("url", h264.url()));
      }
      for (int round = 1; round <= ROUNDS; round++) {
        // Each jar first in every other round: whatever drifts over a run (the machine, the shared camera)
        // must not line up with one jar.
        List<String> order = new ArrayList<>(jars);
        if (round % 2 == 0) {
          java.util.Collections.reverse(order);
        }
        for (String jar : order) {
          for (String output : List.of("jpeg", "mp4")) {
            String row = measure(work, jar, output.equals("mp4") ? mp4 : jpeg, output, window);
            System.out.printf("round %d, %s, %s: %s", round, jar, output, row);
            rows.append(String.format(Locale.ROOT, "| %d | %s | %s %s", round,
                jar.equals(jars.get(0)) ? "this" : "baseline", output, row));
          }
        }
      }
    } finally {
      fakes.forEach(FakeMjpegCamera::close);
    }
    BenchReport.writeSection("frame-cost", "## JVM CPU per frame sent\n\n"
        + "`scripts/bench-frame-cost.sh` on " + LocalDate.now() + ", " + BenchReport.machine() + ". *jpeg*: " + CAMERAS
        + " fake HTTP MJPEG cameras replay a 640x480@15 clip (about 25 KB a frame) over loopback, passed through "
        + "(`-c:v copy`); *mp4*: " + CAMERAS + " sessions of one GStreamer RTSP H.264 camera (640x480@15, 1 Mbit/s, a "
        + "keyframe every 2 s) sent as MP4. One WebSocket viewer per camera (`?format=` the output) in a Node "
        + "process of its own; the jar under the systemd unit's heap, after " + WARM_UP_SECONDS + " s of warm-up "
        + "with " + WARM_UP_VIEWERS + " viewers per camera, then a " + window + " s window. Each jar in turn, " + ROUNDS
        + " rounds, each jar first in every other round (with one order only, a first run had charged a 15 % "
        + "drift to the newer jar). "
        + "Targets: at most 600 µs per JPEG frame sent, 300 µs per MP4 fragment.\n\n"
        + "| round | jar | output | frames sent/s | JVM CPU | JVM µs/frame | RSS |\n"
        + "| --- | --- | --- | --- | --- | --- | --- |\n" + rows);
    System.exit(0);
  }

  /** A 10 s MJPEG clip of a test pattern, 640x480@15: what the fake cameras replay. */
  static Path mjpegClip(Path dir) throws Exception {
    Path clip = dir.resolve("clip.mkv");
    Process encode = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=640x480:rate=15", "-t", "10", "-c:v", "mjpeg", "-q:v", "5", clip.toString()).inheritIO().start();
    if (!encode.waitFor(60, TimeUnit.SECONDS) || encode.exitValue() != 0) {
      throw new IllegalStateException("cannot make the test clip");
    }
    return clip;
  }

  private static String measure(Path work, String jarPath, JsonArray cameras, String output, int window)
      throws Exception {
    System.setProperty("visionroi.jar", jarPath);
    try (JarProcess jar = JarProcess.start(Files.createTempDirectory(work, "jar"), new JsonObject()
        .put("cameras", cameras))) {
      int port = jar.awaitStarted(30_000);
      Processes.waitFor(60_000, () -> jar.ffmpegPids().size() == CAMERAS);
      try (ViewerProcess warmUp = ViewerProcess.start(port, paths(WARM_UP_VIEWERS, output))) {
        Thread.sleep(WARM_UP_SECONDS * 1000L);
      }
      try (ViewerProcess viewers = ViewerProcess.start(port, paths(1, output))) {
        Thread.sleep(3000);
        long frames0 = viewers.awaitReport();
        long jvm0 = BenchReport.cpuTicks(jar.pid());
        long t0 = System.nanoTime();
        Thread.sleep(window * 1000L - 500);
        long frames1 = viewers.awaitReport();
        long jvm1 = BenchReport.cpuTicks(jar.pid());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (viewers.closed() > 0) {
          throw new IllegalStateException(viewers.closed() + " viewers were closed");
        }
        double cpuSeconds = (jvm1 - jvm0) / (double) TICKS_PER_SECOND;
        long frames = frames1 - frames0;
        String row = String.format(Locale.ROOT, "| %.0f | %.1f %% | %.0f | %d MB |%n", frames / seconds,
            cpuSeconds * 100 / seconds, cpuSeconds * 1e6 / frames, BenchReport.rssMb(jar.pid()));
        Processes.signal(jar.pid(), "TERM");
        jar.awaitExit(5000);
        return row;
      }
    }
  }

  private static List<String> paths(int perCamera, String output) {
    List<String> paths = new ArrayList<>();
    for (int c = 0; c < CAMERAS; c++) {
      paths.addAll(Collections.nCopies(perCamera, "/ws/cameras/c" + c + "?format=" + output));
    }
    return paths;
  }
}
