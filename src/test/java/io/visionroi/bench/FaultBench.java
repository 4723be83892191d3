package io.visionroi.bench;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.ViewerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Fault timings of the packaged jar with the default stream settings (grace 3.5 s, retry 1.5 s), written
 * into docs/BENCHMARKS.md between the "faults" markers. Run by scripts/bench-faults.sh; loopback only,
 * bounded (a few minutes).
 */
public final class FaultBench {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Vertx VERTX = Vertx.vertx();
  private static final Random RANDOM = new Random();

  private FaultBench() {
  }

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench");
    StringBuilder report = new StringBuilder();
    try {
      report.append(outage(work, trials));
      report.append(hungFfmpeg(work, trials));
      report.append(stop(work, Math.min(trials, STOP_TRIALS)));
      report.append(sigkill(work, Math.min(trials, SIGKILL_TRIALS)));
    } finally {
      VERTX.close();
    }
    BenchReport.writeSection("faults", "## Fault timings\n\n"
        + "`scripts/bench-faults.sh " + trials + "` on " + LocalDate.now() + ", " + BenchReport.machine() + ".\n"
        + "The packaged jar with the default `outageGrace` 3.5 s and `outageRetry` 1.5 s; all on loopback.\n\n"
        + "| measure | target | n | min | median | p95 | max |\n| --- | --- | --- | --- | --- | --- | --- |\n"
        + report);
    System.exit(0);
  }

  /** Frozen camera: last frame → 1013 at the viewer; thaw → first frame at a reconnecting viewer. */
  /** Stop and SIGKILL trials each start a service of their own: fewer of them keep the bench short. */
  private static final int STOP_TRIALS = 10;
  private static final int SIGKILL_TRIALS = 5;

  private static String outage(Path work, int trials) throws Exception {
    List<Long> closeAfterLastFrame = new ArrayList<>();
    List<Long> backAfterThaw = new ArrayList<>();
    try (FakeMjpegCamera camera = new FakeMjpegCamera("640x480").start();
         JarProcess jar = JarProcess.start(dir(work, "outage"), new JsonObject().put("cameras",
             new JsonArray().add(new JsonObject().put("id", "fake").put("url", camera.url()))))) {
      int port = jar.awaitStarted(30_000);
      for (int i = 0; i < trials; i++) {
        ViewerClient viewer = reconnectUntilFrames(port, 20_000);
        Thread.sleep(500);
        camera.freeze();
        ViewerClient.Close close = viewer.awaitClose(15_000);
        closeAfterLastFrame.add(close.atMillis() - viewer.frameTimes.get(viewer.frameTimes.size() - 1));
        viewer.close();
        // Thaw at a random point of the retry cycle, as a real camera returns.
        Thread.sleep(1500 + RANDOM.nextInt(1500));
        long thawedAt = System.currentTimeMillis();
        camera.thaw();
        ViewerClient back = reconnectUntilFrames(port, 20_000);
        backAfterThaw.add(back.frameTimes.get(0) - thawedAt);
        back.close();
      }
    }
    return row("outage: last frame → viewer closed 1013", "≤ grace + 0.5 s = 4000 ms", closeAfterLastFrame)
        + row("camera back (thaw) → first frame at a reconnecting viewer", "≤ 2000 ms p95", backAfterThaw);
  }

  /** SIGSTOP the ffmpeg: → old group gone, and → a new ffmpeg delivers video (state live, new pid). */
  private static String hungFfmpeg(Path work, int trials) throws Exception {
    List<Long> killed = new ArrayList<>();
    List<Long> replaced = new ArrayList<>();
    try (JarProcess jar = JarProcess.start(dir(work, "hung"), new JsonObject().put("cameras", new JsonArray()
        .add(new JsonObject().put("id", "p").put("url", "lavfi:testsrc2=size=640x480:rate=15"))))) {
      int port = jar.awaitStarted(30_000);
      for (int i = 0; i < trials; i++) {
        Processes.waitFor(10_000, () -> "live".equals(status(port).getString("state")));
        long old = status(port).getLong("pid");
        long stoppedAt = System.currentTimeMillis();
        Processes.signal(old, "STOP");
        Processes.waitFor(15_000, () -> !Processes.isRunning(old));
        killed.add(System.currentTimeMillis() - stoppedAt);
        Processes.waitFor(15_000, () -> {
          JsonObject s = status(port);
          return "live".equals(s.getString("state")) && s.getLong("pid") != null && s.getLong("pid") != old;
        });
        replaced.add(System.currentTimeMillis() - stoppedAt);
      }
    }
    return row("hung ffmpeg (SIGSTOP) → its group killed and reaped", "grace + ≤ 0.25 s", killed)
        + row("hung ffmpeg (SIGSTOP) → new ffmpeg live", "", replaced);
  }

  /** SIGTERM → exit 0, with 16 cameras, one ffmpeg SIGSTOPped, one camera in outage, 3 viewers. */
  private static String stop(Path work, int trials) throws Exception {
    List<Long> times = new ArrayList<>();
    JsonArray cameras = new JsonArray();
    for (int i = 0; i < 15; i++) {
      cameras.add(new JsonObject().put("id", "c" + i).put("url", "lavfi:testsrc2=size=160x120:rate=5"));
    }
    cameras.add(new JsonObject().put("id", "down").put("url", "http://127.0.0.1:9/none"));
    for (int i = 0; i < trials; i++) {
      try (JarProcess jar = JarProcess.start(dir(work, "stop" + i), new JsonObject().put("cameras", cameras))) {
        int port = jar.awaitStarted(30_000);
        Processes.waitFor(15_000, () -> jar.ffmpegPids().size() >= 15);
        List<ViewerClient> viewers = new ArrayList<>();
        for (int v = 0; v < 3; v++) {
          viewers.add(reconnectUntilFrames(port, "c" + v, 10_000));
        }
        Processes.signal(jar.ffmpegPids().get(0), "STOP");
        List<Long> ffmpeg = jar.ffmpegPids();
        long begin = System.nanoTime();
        Processes.signal(jar.pid(), "TERM");
        int code = jar.awaitExit(10_000);
        times.add((System.nanoTime() - begin) / 1_000_000);
        if (code != 0 || ffmpeg.stream().anyMatch(Processes::isRunning)) {
          throw new IllegalStateException("unclean stop: exit " + code);
        }
        viewers.forEach(ViewerClient::close);
      }
    }
    return row("SIGTERM → exit 0 (16 cameras, 1 hung ffmpeg, 1 in outage, 3 viewers)", "≤ 1000 ms", times);
  }

  /** SIGKILL the JVM → all its ffmpeg gone (kernel parent-death signal). */
  private static String sigkill(Path work, int trials) throws Exception {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      try (JarProcess jar = JarProcess.start(dir(work, "kill" + i), new JsonObject().put("cameras", new JsonArray()
          .add(new JsonObject().put("id", "a").put("url", "lavfi:testsrc2=size=160x120:rate=5"))
          .add(new JsonObject().put("id", "b").put("url", "lavfi:testsrc2=size=160x120:rate=5"))))) {
        jar.awaitStarted(30_000);
        Processes.waitFor(10_000, () -> jar.ffmpegPids().size() == 2);
        List<Long> ffmpeg = jar.ffmpegPids();
        long begin = System.nanoTime();
        Processes.signal(jar.pid(), "KILL");
        Processes.waitFor(10_000, () -> ffmpeg.stream().noneMatch(Processes::isRunning));
        times.add((System.nanoTime() - begin) / 1_000_000);
      }
    }
    return row("service SIGKILLed → its ffmpeg gone", "no ffmpeg left", times);
  }

  private static ViewerClient reconnectUntilFrames(int port, long timeoutMillis) throws Exception {
    return reconnectUntilFrames(port, "fake", timeoutMillis);
  }

  /** What the page does: connect, and reconnect after 0.5 s whenever no frame comes. */
  private static ViewerClient reconnectUntilFrames(int port, String camera, long timeoutMillis) throws Exception {
    long end = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < end) {
      ViewerClient viewer = ViewerClient.connect(VERTX, port, "/ws/cameras/" + camera);
      Processes.waitFor(2000, () -> !viewer.frames.isEmpty() || viewer.closed.isDone());
      if (!viewer.frames.isEmpty()) {
        return viewer;
      }
      viewer.close();
      Thread.sleep(500);
    }
    throw new IllegalStateException("no frames from " + camera + " in " + timeoutMillis + " ms");
  }

  private static JsonObject status(int port) {
    try {
      return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/cameras/p"))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  private static Path dir(Path work, String name) throws Exception {
    return Files.createDirectories(work.resolve(name));
  }

  private static String row(String measure, String target, List<Long> millis) {
    return String.format(Locale.ROOT, "| %s | %s | %d | %d ms | %d ms | %d ms | %d ms |%n", measure, target,
        millis.size(), BenchReport.percentile(millis, 0), BenchReport.percentile(millis, 0.5),
        BenchReport.percentile(millis, 0.95), BenchReport.percentile(millis, 1));
  }
}
