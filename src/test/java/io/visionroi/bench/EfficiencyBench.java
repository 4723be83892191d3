package io.visionroi.bench;

import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the service costs per camera and per viewer, against the floor (the same ffmpeg commands writing to
 * /dev/null). Fake cameras replay a recorded 640x480@15 MJPEG clip (so they cost almost nothing themselves)
 * and are passed through. Run by scripts/bench.sh; loopback only.
 */
public final class EfficiencyBench {

  private static final int WINDOW_SECONDS = 20;
  /** At 15 fps the send path is compiled only after about a minute: shorter warm-ups measured the JIT. */
  private static final int WARM_UP_SECONDS = 60;
  private static final int WARM_UP_VIEWERS = 10;
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private EfficiencyBench() {
  }

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "efficiency");
    Path clip = FrameCostBench.mjpegClip(work);
    Vertx vertx = Vertx.vertx();
    StringBuilder rows = new StringBuilder();
    try {
      for (int cameras : new int[] {1, 8, 16, 32}) {
        rows.append(costs(vertx, work, clip, cameras));
      }
    } finally {
      vertx.close();
    }
    BenchReport.writeSection("efficiency", "## Cost per camera and viewer\n\n"
          + "`scripts/bench.sh` on " + LocalDate.now() + ", " + BenchReport.machine() + ". Fake HTTP MJPEG cameras "
          + "replay a 640x480@15 clip (about 25 KB a frame) over loopback; the service passes them through "
          + "(`-c:v copy`). Viewers are Vert.x WebSocket clients in the bench's JVM, on the same 2 cores. "
          + WINDOW_SECONDS + " s windows in the order 0, 1, 10 viewers, after " + WARM_UP_SECONDS + " s of warm-up with "
          + WARM_UP_VIEWERS + " viewers per camera (so the JIT has compiled the send path, as in a service that "
          + "has run a while). "
          + "The service runs with the systemd unit's `-Xms32m -Xmx256m`. CPU in % of one core; µs/frame is the "
          + "service JVM's CPU time per frame delivered to a viewer (or per frame read, with no viewer). "
          + "Floor: the same ffmpeg input and copy, writing to /dev/null, no service.\n\n"
          + "Targets: JVM ≤ 10 % of one core for 16 pass-through cameras with one viewer each; RSS ≤ 256 MB.\n\n"
          + "| cameras | viewers per camera | frames delivered/s | JVM CPU | JVM µs/frame | ffmpeg CPU | floor ffmpeg CPU | JVM RSS |\n"
          + "| --- | --- | --- | --- | --- | --- | --- | --- |\n" + rows);
    System.exit(0);
  }

  private static String costs(Vertx vertx, Path work, Path clip, int count) throws Exception {
    List<FakeMjpegCamera> fakes = new ArrayList<>();
    StringBuilder rows = new StringBuilder();
    try {
      JsonArray cameras = new JsonArray();
      for (int i = 0; i < count; i++) {
        FakeMjpegCamera fake = FakeMjpegCamera.replaying(clip).start();
        fakes.add(fake);
        cameras.add(new JsonObject().put("id", "c" + i).put("url", fake.url()));
      }
      double floor = floorCpu(fakes);
      // 32 cameras with 10 viewers each are beyond the default http.maxViewers (256)
      try (JarProcess jar = JarProcess.start(Files.createTempDirectory(work, "costs"), new JsonObject()
          .put("http", new JsonObject().put("maxViewers", 1024)).put("cameras", cameras))) {
        int port = jar.awaitStarted(30_000);
        Processes.waitFor(60_000, () -> jar.ffmpegPids().size() == count);
        // JIT compilation and heap sizing are not the steady cost. The send path is compiled only once it is
        // used a lot: without viewers in the warm-up, the first window with viewers measured twice the cost.
        window(vertx, jar, port, count, WARM_UP_VIEWERS, floor, WARM_UP_SECONDS);
        for (int viewersPerCamera : new int[] {0, 1, 10}) {
          rows.append(window(vertx, jar, port, count, viewersPerCamera, floor, WINDOW_SECONDS));
        }
        Processes.signal(jar.pid(), "TERM");
        jar.awaitExit(5000);
      }
    } finally {
      fakes.forEach(FakeMjpegCamera::close);
    }
    return rows.toString();
  }

  /** Viewers connect, 3 s later the window of {@code seconds} begins; its table row. */
  private static String window(Vertx vertx, JarProcess jar, int port, int cameras, int viewersPerCamera,
      double floor, int seconds) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20).setMaxConnections(cameras * viewersPerCamera + 10));
    AtomicLong delivered = new AtomicLong();
    List<WebSocket> sockets = new ArrayList<>();
    for (int c = 0; c < cameras; c++) {
      for (int v = 0; v < viewersPerCamera; v++) {
        WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/ws/cameras/c" + c)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.binaryMessageHandler(b -> delivered.incrementAndGet());
        sockets.add(ws);
      }
    }
    Thread.sleep(3000);
    List<Long> ffmpeg = jar.ffmpegPids();
    long jvm0 = BenchReport.cpuTicks(jar.pid());
    long ff0 = ffmpeg.stream().mapToLong(BenchReport::cpuTicks).sum();
    long frames0 = delivered.get();
    long read0 = framesRead(port);
    Thread.sleep(seconds * 1000L);
    double jvmCpu = (BenchReport.cpuTicks(jar.pid()) - jvm0) * 100.0 / TICKS_PER_SECOND / seconds;
    double ffCpu = (ffmpeg.stream().mapToLong(BenchReport::cpuTicks).sum() - ff0) * 100.0 / TICKS_PER_SECOND
        / seconds;
    long frames = viewersPerCamera == 0 ? framesRead(port) - read0 : delivered.get() - frames0;
    long rss = BenchReport.rssMb(jar.pid());
    sockets.forEach(WebSocket::close);
    client.close();
    double microsPerFrame = frames == 0 ? 0 : jvmCpu / 100.0 * seconds * 1e6 / frames;
    return String.format(Locale.ROOT, "| %d | %d | %.0f | %.1f %% | %.0f | %.1f %% | %.1f %% | %d MB |%n", cameras,
        viewersPerCamera, frames / (double) seconds, jvmCpu, microsPerFrame, ffCpu, floor, rss);
  }

  /** The same ffmpeg input and copy as the service, to /dev/null: what ffmpeg alone costs. */
  private static double floorCpu(List<FakeMjpegCamera> fakes) throws Exception {
    List<Process> floor = new ArrayList<>();
    for (FakeMjpegCamera fake : fakes) {
      floor.add(new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "ffmpeg", "-hide_banner", "-nostdin",
          "-loglevel", "quiet", "-fflags", "nobuffer", "-i", fake.url(), "-an", "-c:v", "copy", "-f", "mjpeg", "-y",
          "/dev/null").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }
    Thread.sleep(3000);
    long t0 = floor.stream().mapToLong(p -> BenchReport.cpuTicks(p.pid())).sum();
    Thread.sleep(WINDOW_SECONDS * 1000L);
    long t1 = floor.stream().mapToLong(p -> BenchReport.cpuTicks(p.pid())).sum();
    for (Process p : floor) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    return (t1 - t0) * 100.0 / TICKS_PER_SECOND / WINDOW_SECONDS;
  }

  private static long framesRead(int port) {
    try {
      JsonArray all = new JsonArray(new String(java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/cameras")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body()));
      return all.stream().mapToLong(o -> ((JsonObject) o).getLong("frames")).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
