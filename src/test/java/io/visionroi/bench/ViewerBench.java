package io.visionroi.bench;

import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Many viewers of one 640x480@15 camera, plus one deliberately slow viewer (reads 100 KB/s over a raw
 * socket): the share of frames each viewer gets, read→receive latency from the meta timestamps, and the
 * service's CPU and RSS. Run by scripts/bench-viewers.sh; loopback only, about 2 minutes.
 */
public final class ViewerBench {

  private static final int SECONDS = 20;
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private ViewerBench() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    StringBuilder rows = new StringBuilder();
    try {
      for (int count : new int[] {1, 10, 50}) {
        rows.append(scenario(vertx, count));
      }
    } finally {
      vertx.close();
    }
    BenchReport.writeSection("viewers", "## Viewers\n\n"
        + "`scripts/bench-viewers.sh` on " + LocalDate.now() + ", " + BenchReport.machine() + ". One camera "
        + "`lavfi:testsrc2=size=640x480:rate=15`, N viewers (Vert.x WebSocket clients with "
        + "`?meta=1`, in one JVM on the same 2 cores) plus one slow viewer that reads 100 KB/s, " + SECONDS
        + " s each. Share: frames a viewer got of those the camera produced in the window. Latency: from the "
        + "service reading the frame off ffmpeg (`ts`) to the client receiving it, so it includes loopback and "
        + "the client's own event loop. CPU: the service JVM's user+system time over the window, in % of one "
        + "core; ffmpeg shown apart.\n\n"
        + "Targets: 50 viewers each ≥ 99 % of the frames; the slow viewer changes no other viewer's share; "
        + "latency p99 ≤ 5 ms with 10 viewers.\n\n"
        + "| viewers | min share | median share | slow viewer's frames | latency p50 | latency p99 | JVM CPU | ffmpeg CPU | JVM RSS |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + rows);
    System.exit(0);
  }

  private static String scenario(Vertx vertx, int count) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "viewers");
    JsonObject config = new JsonObject().put("cameras", new JsonArray()
        .add(new JsonObject().put("id", "cam").put("url", "lavfi:testsrc2=size=640x480:rate=15")));
    try (JarProcess jar = JarProcess.start(dir, config)) {
      int port = jar.awaitStarted(30_000);
      Processes.waitFor(10_000, () -> !jar.ffmpegPids().isEmpty());
      long ffmpeg = jar.ffmpegPids().get(0);
      List<MetaViewer> viewers = new ArrayList<>();
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20).setMaxConnections(count + 10));
      for (int i = 0; i < count; i++) {
        viewers.add(MetaViewer.connect(client, port, "cam"));
      }
      SlowViewer slow = new SlowViewer(port);
      Thread.sleep(3000); // warm up: JIT, connections
      long cpu0 = BenchReport.cpuTicks(jar.pid());
      long ffmpegCpu0 = BenchReport.cpuTicks(ffmpeg);
      viewers.forEach(v -> v.measuring = true);
      int slowFrames0 = slow.frames;
      Thread.sleep(SECONDS * 1000L);
      viewers.forEach(v -> v.measuring = false);
      double cpu = (BenchReport.cpuTicks(jar.pid()) - cpu0) * 100.0 / TICKS_PER_SECOND / SECONDS;
      double ffmpegCpu = (BenchReport.cpuTicks(ffmpeg) - ffmpegCpu0) * 100.0 / TICKS_PER_SECOND / SECONDS;
      int slowFrames = slow.frames - slowFrames0;
      long rss = BenchReport.rssMb(jar.pid());
      slow.close();
      viewers.forEach(v -> v.socket.close());
      client.close();

      Set<Long> produced = new HashSet<>();
      viewers.forEach(v -> produced.addAll(v.seqs));
      List<Long> shares = new ArrayList<>();
      List<Long> latencies = new ArrayList<>();
      for (MetaViewer v : viewers) {
        shares.add(Math.round(v.seqs.size() * 1000.0 / produced.size()));
        latencies.addAll(v.latencies);
      }
      Processes.signal(jar.pid(), "TERM");
      jar.awaitExit(5000);
      return String.format(Locale.ROOT,
          "| %d | %.1f %% | %.1f %% | %d of %d | %d ms | %d ms | %.1f %% | %.1f %% | %d MB |%n", count,
          BenchReport.percentile(shares, 0) / 10.0, BenchReport.percentile(shares, 0.5) / 10.0, slowFrames,
          produced.size(), BenchReport.percentile(latencies, 0.5), BenchReport.percentile(latencies, 0.99), cpu,
          ffmpegCpu, rss);
    }
  }

  /** A viewer on a slow link: a raw WebSocket that reads 10 KB every 100 ms, counting binary frames. */
  private static final class SlowViewer implements AutoCloseable {
    private final Socket socket = new Socket();
    private final Thread reader;
    volatile int frames;

    SlowViewer(int port) throws Exception {
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.getOutputStream().write(("GET /ws/cameras/cam HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      reader = new Thread(this::read, "slow-viewer");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      byte[] chunk = new byte[10 * 1024];
      try {
        InputStream in = socket.getInputStream();
        int n;
        while ((n = in.read(chunk)) >= 0) {
          for (int i = 0; i + 1 < n; i++) {
            // A JPEG's start marker right after a binary frame header: close enough to count frames.
            if ((chunk[i] & 0xFF) == 0xFF && (chunk[i + 1] & 0xFF) == 0xD8) {
              frames++;
            }
          }
          Thread.sleep(100);
        }
      } catch (Exception closed) {
        // the bench is over, or the service dropped us (sendTimeout)
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      reader.join(2000);
    }
  }
}
