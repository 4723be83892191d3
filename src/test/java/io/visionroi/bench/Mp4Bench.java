package io.visionroi.bench;

import io.visionroi.support.Chromium;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real RTSP H.264 camera (GStreamer's, 1280x720@15, a keyframe every 2 s, one encoder shared by all its
 * sessions) served by the packaged jar as {@code output: mp4} and, in the same run, as {@code output: jpeg},
 * one service at a time, with 1 and with 8 cameras (8 sessions of the same camera), so that the JVM's fixed
 * cost (timers, metrics) is told from the cost per camera: the cameras' ffmpeg CPU, the JVM's CPU with 1 and
 * 10 viewers per camera, bytes per second to a viewer, read → viewer latency ({@code ?meta=1} timestamps),
 * and connect → first picture over many connects. Also the MP4 camera with one JPEG viewer (its JPEG encoder
 * on). Loopback only; scripts/bench-mp4.sh.
 */
public final class Mp4Bench {

  private static final int WARM_UP_SECONDS = 60;
  private static final int WINDOW_SECONDS = 20;
  private static final long TICKS_PER_SECOND = 100;

  private Mp4Bench() {
  }

  /** What the viewers of a window received. */
  private static final class Received {
    final AtomicLong messages = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final List<Long> latencies = new CopyOnWriteArrayList<>();
  }

  public static void main(String[] args) throws Exception {
    int connects = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mp4bench");
    Vertx vertx = Vertx.vertx();
    StringBuilder costs = new StringBuilder();
    StringBuilder starts = new StringBuilder();
    String browser = "";
    try (RtspCamera camera = RtspCamera.h264(2).size("1280x720").fps(15).shared().start()) {
      for (String output : new String[] {"mp4", "jpeg"}) {
        for (int cameras : new int[] {1, 8}) {
          JsonArray list = new JsonArray();
          for (int c = 0; c < cameras; c++) {
            list.add(new JsonObject().put("id", "cam" + c).put("url", camera.url()).put("output", output));
          }
          try (JarProcess jar = JarProcess.start(Files.createTempDirectory(work, output),
              new JsonObject().put("cameras", list))) {
            int port = jar.awaitStarted(30_000);
            Processes.waitFor(60_000, () -> statuses(port).stream().allMatch(c -> "live".equals(c.getString("state"))));
            String query = output.equals("mp4") ? "?format=mp4&meta=1" : "?meta=1";
            // JIT and heap settle: at 15 fps the send path takes about a minute to be compiled, and a window
            // during compilation measured twice the steady cost.
            window(vertx, jar, port, cameras, query, 10, WARM_UP_SECONDS);
            for (int viewers : new int[] {1, 10}) {
              costs.append(row(output, cameras, output + " viewers", viewers,
                  window(vertx, jar, port, cameras, query, viewers, WINDOW_SECONDS)));
            }
            if (cameras == 1 && output.equals("mp4")) {
              costs.append(row(output, cameras, "JPEG viewers (its encoder on)", 1,
                  window(vertx, jar, port, cameras, "?meta=1", 1, WINDOW_SECONDS)));
            }
            if (cameras == 1) {
              starts.append(firstPictures(vertx, port, output, query, connects));
            }
            if (cameras == 1 && output.equals("mp4")) {
              browser = browserLag(port);
            }
            Processes.signal(jar.pid(), "TERM");
            jar.awaitExit(5000);
          }
        }
      }
    } finally {
      vertx.close();
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    BenchReport.writeSection("mp4", "## H.264 as MP4 against JPEG\n\n"
        + "`scripts/bench-mp4.sh` on " + LocalDate.now() + ", " + BenchReport.machine() + ". One real RTSP camera "
        + "(GStreamer's x264, 1280x720@15, a keyframe every 2 s, one encoder shared by all its sessions, on the same "
        + "2 cores), served by the packaged jar with 1 camera and with 8 (8 sessions of that camera), once with "
        + "`output: mp4` and once with `output: jpeg`, one service at a time in the same run: with 8 cameras the "
        + "JVM's fixed cost (timers, metrics) is shared, and the JVM's CPU per camera "
        + "is what each camera adds. Viewers are "
        + "Vert.x WebSocket clients in the bench's JVM; " + WINDOW_SECONDS + " s windows after " + WARM_UP_SECONDS
        + " s of warm-up. CPU in % of one core: the camera's ffmpeg (and, in the JPEG-viewers row of the MP4 "
        + "camera, its JPEG encoder), the service JVM. Latency: from the service's read of a frame or fragment "
        + "(its `?meta=1` timestamp) to the viewer's receipt, p50/p95.\n\n"
        + "Targets: MP4 camera's ffmpeg ≤ 1/5 of the JPEG camera's; JVM ≤ 1 % of a core per camera with one "
        + "viewer.\n\n"
        + "| camera output | cameras | viewers per camera | count | ffmpeg CPU per camera | JPEG encoder CPU | JVM CPU | JVM CPU per camera | bytes/s to a viewer | latency p50 / p95 |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + costs
        + "\nConnect → first picture (" + connects + " connects at random moments of the keyframe interval; for MP4 "
        + "the first fragment after the init segment, which the player can show; for JPEG the first JPEG):\n\n"
        + "| camera output | viewer | p50 | p95 | max |\n| --- | --- | --- | --- | --- |\n" + starts + browser);
    System.exit(0);
  }

  private record Window(double ffmpegCpu, double encoderCpu, double jvmCpu, double bytesPerViewer, Received got) {
  }

  private static Window window(Vertx vertx, JarProcess jar, int port, int cameras, String query, int viewers,
      int seconds) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20).setMaxConnections(cameras * viewers + 10));
    Received got = new Received();
    List<WebSocket> sockets = new ArrayList<>();
    for (int v = 0; v < cameras * viewers; v++) {
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws/cameras/cam" + (v % cameras) + query)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      boolean counted = v == 0;
      ws.textMessageHandler(text -> {
        JsonObject msg = new JsonObject(text);
        if (counted && "frame".equals(msg.getString("type"))) {
          got.latencies.add(System.currentTimeMillis() - msg.getLong("ts"));
        }
      });
      ws.binaryMessageHandler(b -> {
        if (counted) {
          got.messages.incrementAndGet();
          got.bytes.addAndGet(b.length());
        }
      });
      sockets.add(ws);
    }
    Thread.sleep(3000);
    got.latencies.clear();
    List<Long> ffmpegPids = statuses(port).stream().map(c -> c.getLong("pid")).toList();
    List<Long> encoders = encoders(jar.pid());
    long jvm0 = BenchReport.cpuTicks(jar.pid());
    long ff0 = ffmpegPids.stream().mapToLong(BenchReport::cpuTicks).sum();
    long enc0 = encoders.stream().mapToLong(BenchReport::cpuTicks).sum();
    long bytes0 = got.bytes.get();
    Thread.sleep(seconds * 1000L);
    double jvm = percent(BenchReport.cpuTicks(jar.pid()) - jvm0, seconds);
    double ff = percent(ffmpegPids.stream().mapToLong(BenchReport::cpuTicks).sum() - ff0, seconds) / cameras;
    double enc = percent(encoders.stream().mapToLong(BenchReport::cpuTicks).sum() - enc0, seconds);
    double bytesPerSecond = (got.bytes.get() - bytes0) / (double) seconds;
    sockets.forEach(WebSocket::close);
    client.close();
    return new Window(ff, enc, jvm, bytesPerSecond, got);
  }

  private static String row(String output, int cameras, String viewerKind, int viewers, Window w) {
    List<Long> lat = List.copyOf(w.got().latencies);
    return String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f %% | %s | %.1f %% | %.2f %% | %.0f KB/s | %s |%n",
        output, cameras, viewerKind, viewers, w.ffmpegCpu(),
        w.encoderCpu() > 0 ? String.format(Locale.ROOT, "%.1f %%", w.encoderCpu()) : "–",
        w.jvmCpu(), w.jvmCpu() / cameras, w.bytesPerViewer() / 1024, lat.isEmpty() ? "–" : BenchReport.percentile(lat, 0.5) + " / "
            + BenchReport.percentile(lat, 0.95) + " ms");
  }

  /** Connects one viewer at a time, at random moments, and times its first picture. */
  private static String firstPictures(Vertx vertx, int port, String output, String query, int connects)
      throws Exception {
    StringBuilder rows = new StringBuilder();
    List<String> queries = output.equals("mp4") ? List.of(query, "?meta=1") : List.of(query);
    for (String q : queries) {
      List<Long> times = new ArrayList<>();
      Random random = new Random(7);
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20));
      for (int i = 0; i < connects; i++) {
        Thread.sleep(500 + random.nextInt(2000));
        int picture = q.contains("format=mp4") ? 2 : 1; // the init segment is no picture
        CompletableFuture<Long> first = new CompletableFuture<>();
        AtomicLong binaries = new AtomicLong();
        long start = System.nanoTime();
        WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/ws/cameras/cam0" + q)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.binaryMessageHandler(b -> {
          if (binaries.incrementAndGet() == picture) {
            first.complete((System.nanoTime() - start) / 1_000_000);
          }
        });
        times.add(first.get(10, TimeUnit.SECONDS));
        ws.close();
      }
      client.close();
      rows.append(String.format(Locale.ROOT, "| %s | %s | %d ms | %d ms | %d ms |%n", output,
          q.contains("format=mp4") ? "MP4" : "JPEG" + (output.equals("mp4") ? " (encoder started per connect when idle)" : ""),
          BenchReport.percentile(times, 0.5), BenchReport.percentile(times, 0.95), BenchReport.percentile(times, 1.0)));
    }
    return rows.toString();
  }

  /**
   * The page in headless Chromium, on the MP4 camera: how far its playhead is behind the newest video it has
   * received (what the player adds to the read → viewer latency; decoding and display add about a frame).
   */
  private static String browserLag(int port) throws Exception {
    List<Long> lags = new ArrayList<>();
    Chromium started;
    try {
      started = Chromium.startOrSkip("Mp4Bench's browser part");
    } catch (org.opentest4j.TestAbortedException noChromium) {
      return "";
    }
    try (Chromium browser = started) {
      browser.open("http://127.0.0.1:" + port + "/");
      Processes.waitFor(30_000, () -> "mp4".equals(browser.tileAttribute("cam0", "data-mode"))
          && browser.frames("cam0") > 30);
      Thread.sleep(5000);
      for (int i = 0; i < 100; i++) {
        Object lag = browser.script("const v = [...document.querySelectorAll('video.shown')].pop();"
            + " return v && v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : null;");
        if (lag != null) {
          lags.add(Math.round(((Number) lag).doubleValue() * 1000));
        }
        Thread.sleep(200);
      }
    }
    return lags.isEmpty() ? "" : String.format(Locale.ROOT, "%nIn Chromium (the page, headless, on the MP4 "
        + "camera; %d samples over 20 s): the playhead was p50 %d ms, p95 %d ms, max %d ms behind the newest video "
        + "received. Read → screen is about that plus the read → viewer latency above and a frame's decoding.%n",
        lags.size(), BenchReport.percentile(lags, 0.5), BenchReport.percentile(lags, 0.95),
        BenchReport.percentile(lags, 1.0));
  }

  private static List<Long> encoders(long jvmPid) {
    return ProcessHandle.of(jvmPid).stream().flatMap(ProcessHandle::children)
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("pipe:0")).orElse(false))
        .map(ProcessHandle::pid).toList();
  }

  private static double percent(long ticks, int seconds) {
    return ticks * 100.0 / TICKS_PER_SECOND / seconds;
  }

  private static List<JsonObject> statuses(int port) {
    try {
      return new JsonArray(new String(java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/cameras"))
              .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body())).stream()
          .map(JsonObject.class::cast).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
