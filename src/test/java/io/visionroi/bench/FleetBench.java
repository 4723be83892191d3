package io.visionroi.bench;

import io.visionroi.support.JarApi;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A site's cameras on one node: one GStreamer RTSP camera as real main streams are (1280x720@10, a noisy
 * picture at 4 Mbit/s, a keyframe every 10 s: 5 MB groups), served to the packaged jar as N cameras (N
 * sessions of one shared encoder), under the systemd unit's heap. For 16, 32, 48 and 64 cameras: first the
 * baseline, N plain {@code ffmpeg -c:v copy -f null} clients of the same camera; then the service with one
 * MP4 viewer per camera, and again with three per camera plus 8 JPEG viewers. Frames received of those the
 * baseline got, ffmpeg restarts, viewer closes, states, heap after a full GC, RSS, CPU; written to
 * docs/BENCHMARKS.md. Usage: {@code FleetBench [SECONDS] [SIZES]} (60, "16,32,48,64").
 */
public final class FleetBench {

  private static final int FPS = 10;
  private static final int JPEG_VIEWERS = 8;
  /** Sessions set up and a first keyframe (one interval) come, before a baseline window. */
  private static final int SETTLE_SECONDS = 15;
  private static final long TICKS_PER_SECOND = 100;

  private FleetBench() {
  }

  /** Counts what a viewer gets, keeping none of it. */
  private static final class Counter {
    final AtomicLong messages = new AtomicLong();
    volatile boolean closed;
    volatile Short closeCode;
    WebSocket socket;
  }

  private record Window(int cameras, String viewers, long minFrames, double meanFrames, long restarts, long closes,
      long live, double heapMb, long rssMb, double jvmCpu, double ffmpegCpu, double startSeconds, String error) {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    List<Integer> sizes = List.of(args.length > 1 ? args[1].split(",") : new String[] {"16", "32", "48", "64"})
        .stream().map(Integer::parseInt).toList();
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fleet");
    Vertx vertx = Vertx.vertx();
    StringBuilder rows = new StringBuilder();
    try (RtspCamera camera = RtspCamera.h264(10).size("1280x720").fps(FPS).noisyAt(4000).shared().start()) {
      for (int n : sizes) {
        double baseline = baseline(camera.url(), n, seconds);
        progress("%d cameras: plain ffmpeg got %.0f frames each on average", n, baseline);
        for (boolean crowd : new boolean[] {false, true}) {
          Window w = service(vertx, work, camera.url(), n, seconds, crowd);
          progress("%s", w);
          rows.append(row(w, baseline));
        }
      }
    } finally {
      vertx.close().await();
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    BenchReport.writeSection("fleet", String.format(Locale.ROOT, "## A site on one node%n%n"
        + "`scripts/bench-fleet.sh %d` on %tF, %s. One GStreamer RTSP camera as main streams are: 1280x720@%d, "
        + "a noisy picture at 4 Mbit/s (about 50 KB a frame), a keyframe every 10 s (5 MB groups of pictures), "
        + "served to the packaged jar as N cameras (N sessions of one shared encoder), the jar under the systemd "
        + "unit's `-Xms32m -Xmx256m`. Baseline in the same run: N plain `ffmpeg -rtsp_transport tcp -i URL -c:v "
        + "copy -f null -` on the same camera, frames counted over %d s once they had run %d s. Then the service, "
        + "%d s after every viewer had its first "
        + "picture: one MP4 viewer per camera, then three per camera and %d JPEG viewers (each a JPEG encoder "
        + "on the node). Frames: fragments a viewer got of those a plain ffmpeg got (min and mean over the "
        + "viewers). Start: from the jar's start to every camera `live`. Heap after a full GC at the end. CPU in "
        + "%% of one core, the camera's own encoder not counted; the viewers are Vert.x clients in the bench's "
        + "JVM on the same 2 cores.%n%n"
        + "| cameras | viewers | frames min | frames mean | restarts | closes | live | start | heap after GC | "
        + "RSS | JVM CPU | ffmpeg CPU |%n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |%n%s",
        seconds, System.currentTimeMillis(), BenchReport.machine(), FPS, seconds, SETTLE_SECONDS, seconds, JPEG_VIEWERS,
        rows));
    System.exit(0);
  }

  /**
   * N plain ffmpeg reading the camera: the mean number of frames each got in a window of SECONDS, after the
   * same settling time the service gets (all started, first keyframe come), so that both are measured alike.
   */
  private static double baseline(String url, int n, int seconds) throws Exception {
    List<Process> clients = new ArrayList<>();
    List<AtomicLong> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Process client = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-rtsp_transport",
          "tcp", "-i", url, "-c:v", "copy", "-f", "null", "-progress", "pipe:1", "-").redirectErrorStream(true).start();
      AtomicLong count = new AtomicLong();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            if (line.startsWith("frame=")) {
              count.set(Long.parseLong(line.substring(6).trim()));
            }
          }
        } catch (Exception gone) {
          // killed at the end
        }
      });
      reader.setDaemon(true);
      reader.start();
      clients.add(client);
      frames.add(count);
    }
    try {
      Thread.sleep(SETTLE_SECONDS * 1000L);
      long[] before = frames.stream().mapToLong(AtomicLong::get).toArray();
      Thread.sleep(seconds * 1000L);
      long total = 0;
      for (int i = 0; i < n; i++) {
        total += frames.get(i).get() - before[i];
      }
      return total / (double) n;
    } finally {
      clients.forEach(Process::destroyForcibly);
    }
  }

  private static Window service(Vertx vertx, Path work, String url, int n, int seconds, boolean crowd)
      throws Exception {
    JsonArray cameras = new JsonArray();
    for (int i = 0; i < n; i++) {
      cameras.add(new JsonObject().put("id", "c" + i).put("url", url));
    }
    long startedAt = System.currentTimeMillis();
    try (JarProcess jar = JarProcess.start(Files.createTempDirectory(work, "n" + n), new JsonObject().put("cameras", cameras))) {
      int port = jar.awaitStarted(60_000);
      JarApi api = new JarApi(port);
      boolean live = Processes.waitFor(90_000, 500, () -> liveCount(api) == n);
      double startSeconds = (System.currentTimeMillis() - startedAt) / 1000.0;
      if (!live) {
        return new Window(n, crowd ? "crowd" : "1 MP4", 0, 0, 0, 0, liveCount(api), 0, 0, 0, 0, startSeconds,
            "not all live after 90 s");
      }
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000)
          .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20));
      List<Counter> mp4 = new ArrayList<>();
      List<Counter> jpeg = new ArrayList<>();
      for (int round = 0; round < (crowd ? 3 : 1); round++) {
        for (int i = 0; i < n; i++) {
          mp4.add(connect(client, port, "/ws/cameras/c" + i + "?format=mp4"));
        }
      }
      for (int i = 0; crowd && i < JPEG_VIEWERS; i++) {
        jpeg.add(connect(client, port, "/ws/cameras/c" + (i % n)));
      }
      // every MP4 viewer has its init segment and first keyframe (a 10 s group: at most one interval)
      Processes.waitFor(30_000, 500, () -> mp4.stream().allMatch(c -> c.messages.get() >= 2));
      long[] before = mp4.stream().mapToLong(c -> c.messages.get()).toArray();
      long restartsBefore = restarts(api);
      long jvmTicks = BenchReport.cpuTicks(jar.pid());
      long ffmpegTicks = ffmpegTicks(jar);
      Thread.sleep(seconds * 1000L);
      if (!jar.process.isAlive()) {
        String why = jar.output.stream().filter(l -> l.contains("OutOfMemoryError") || l.contains("ERROR"))
            .findFirst().orElse("exit code " + jar.process.exitValue());
        progress("the service died:%n  %s", String.join("\n  ", jar.output.subList(Math.max(0, jar.output.size() - 15),
            jar.output.size())));
        return new Window(n, crowd ? "crowd" : "1 MP4", 0, 0, 0, 0, 0, 0, 0, 0, 0, startSeconds, "died: " + why);
      }
      double jvmCpu = (BenchReport.cpuTicks(jar.pid()) - jvmTicks) * 100.0 / TICKS_PER_SECOND / seconds;
      double ffmpegCpu = (ffmpegTicks(jar) - ffmpegTicks) * 100.0 / TICKS_PER_SECOND / seconds;
      long min = Long.MAX_VALUE;
      long sum = 0;
      for (int i = 0; i < mp4.size(); i++) {
        long got = mp4.get(i).messages.get() - before[i];
        min = Math.min(min, got);
        sum += got;
      }
      long closes = mp4.stream().filter(c -> c.closed).count() + jpeg.stream().filter(c -> c.closed).count();
      if (closes > 0) {
        progress("closed viewers' codes: MP4 %s, JPEG %s", mp4.stream().filter(c -> c.closed).map(c -> c.closeCode).toList(),
            jpeg.stream().filter(c -> c.closed).map(c -> c.closeCode).toList());
      }
      long restarts = restarts(api) - restartsBefore;
      long liveNow = liveCount(api);
      BenchReport.fullGc(jar.pid());
      double heapMb = api.metric("jvm_memory_used_bytes{area=\"heap\"") / 1e6;
      long rss = BenchReport.rssMb(jar.pid());
      client.close();
      Processes.signal(jar.pid(), "TERM");
      jar.awaitExit(10_000);
      String died = jar.output.stream().filter(l -> l.contains("OutOfMemoryError")).findFirst().orElse(null);
      return new Window(n, crowd ? "3 MP4 per camera + " + JPEG_VIEWERS + " JPEG" : "1 MP4 per camera", min,
          sum / (double) mp4.size(), restarts, closes, liveNow, heapMb, rss, jvmCpu, ffmpegCpu, startSeconds, died);
    }
  }

  private static Counter connect(WebSocketClient client, int port, String path) throws Exception {
    Counter counter = new Counter();
    counter.socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    counter.socket.binaryMessageHandler(b -> counter.messages.incrementAndGet());
    counter.socket.closeHandler(v -> {
      counter.closeCode = counter.socket.closeStatusCode();
      counter.closed = true;
    });
    return counter;
  }

  private static long ffmpegTicks(JarProcess jar) {
    return jar.process.descendants().mapToLong(p -> BenchReport.cpuTicks(p.pid())).sum();
  }

  private static String row(Window w, double baseline) {
    if (w.error() != null) {
      return String.format(Locale.ROOT, "| %d | %s | %s | | | | %d | %.1f s | | | | |%n", w.cameras(), w.viewers(),
          w.error(), w.live(), w.startSeconds());
    }
    return String.format(Locale.ROOT, "| %d | %s | %.1f %% | %.1f %% | %d | %d | %d of %d | %.1f s | %.0f MB | %d MB "
            + "| %.1f %% | %.1f %% |%n", w.cameras(), w.viewers(), w.minFrames() * 100.0 / baseline,
        w.meanFrames() * 100.0 / baseline, w.restarts(), w.closes(), w.live(), w.cameras(), w.startSeconds(),
        w.heapMb(), w.rssMb(), w.jvmCpu(), w.ffmpegCpu());
  }

  private static long liveCount(JarApi api) {
    try {
      return api.liveCameras();
    } catch (IllegalStateException gone) {
      return 0;
    }
  }

  private static long restarts(JarApi api) {
    return api.statuses().stream().mapToLong(s -> s.getLong("restarts")).sum();
  }

  private static void progress(String format, Object... args) {
    long now = System.currentTimeMillis();
    System.out.println(String.format(Locale.ROOT, "%tT.%tL ", now, now) + String.format(Locale.ROOT, format, args));
  }
}
