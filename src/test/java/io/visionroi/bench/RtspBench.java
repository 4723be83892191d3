package io.visionroi.bench;

import io.visionroi.support.BlackholeCamera;
import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.TestCamera;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the packaged jar brings back real RTSP cameras (GStreamer's RTSP server, scripts/rtsp-camera.py)
 * and an HTTP MJPEG one, against plain ffmpeg on the same camera; whether clients joining and leaving a shared
 * camera disturb the service; and what dead cameras beside live ones cost. Written into docs/BENCHMARKS.md
 * between the "rtsp" markers. Run by scripts/bench-rtsp.sh [TRIALS]; loopback only, bounded (about 35 minutes
 * with 10 trials, the 10-minute soak included).
 * <p>
 * System properties, for debugging: {@code rtsp.soak.seconds} (600), {@code rtsp.dead.seconds} (the length of
 * each dead-camera window, 60), {@code rtsp.parts} (which parts run, "1,2,3"), {@code rtsp.format} (what the
 * viewers ask for: "jpeg", or "mp4" for the H.264 kinds, which then play as the page plays them: a picture is
 * a fragment after the init segment).
 */
public final class RtspBench {

  private static final Vertx VERTX = Vertx.vertx();
  /** HTTP/1.1, as Prometheus scrapes. */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Random RANDOM = new Random();
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
  /** The jar's defaults, which the bench runs with. */
  private static final double OUTAGE_RETRY_SECONDS = 1.5;
  private static final double THAW_MARGIN_SECONDS = 1.0;
  private static final double REBOOT_MARGIN_SECONDS = OUTAGE_RETRY_SECONDS + 1.0;
  /** How long a trial may wait for the first frame before it counts as "not back". */
  private static final long BACK_TIMEOUT_MILLIS = 40_000;
  private static final int FPS = 15;
  /** Jars still running, killed by the shutdown hook when the bench is stopped with Ctrl-C. */
  private static final List<JarProcess> JARS = new CopyOnWriteArrayList<>();
  private static final int DEAD_WARM_UP_SECONDS = 40;
  /** The dead cameras' retries reach one ffmpeg every 30 s about 86 s after they appear (RestartPacing). */
  private static final int DEAD_STEADY_AFTER_SECONDS = 90;
  /** -Drtsp.debug=true: the service logs at DEBUG, and viewers' connects, closes and first frames are printed. */
  private static final boolean DEBUG = Boolean.getBoolean("rtsp.debug");
  private static final boolean MP4 = "mp4".equals(System.getProperty("rtsp.format", "jpeg"));

  private RtspBench() {
  }

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int soakSeconds = Integer.getInteger("rtsp.soak.seconds", 600);
    int deadSeconds = Integer.getInteger("rtsp.dead.seconds", 60);
    Set<String> parts = Set.of(System.getProperty("rtsp.parts", "1,2,3").split(","));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> JARS.forEach(JarProcess::close)));
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rtsp-bench");
    long begin = System.currentTimeMillis();
    StringBuilder md = new StringBuilder();
    md.append(MP4 ? "## Real RTSP cameras, MP4 viewers\n\n`BENCH_JAVA_OPTS=\"-Drtsp.format=mp4 ...\" scripts/bench-rtsp.sh "
        : "## Real RTSP cameras\n\n`scripts/bench-rtsp.sh ").append(trials).append("` on ").append(LocalDate.now())
        .append(", ").append(BenchReport.machine()).append(". The packaged jar with its defaults (`outageGrace` 3.5 s, ")
        .append("`outageRetry` 1.5 s, RTSP over TCP); RTSP cameras are GStreamer's RTSP server (`scripts/rtsp-camera.py`, ")
        .append("a moving test pattern), the HTTP one is `scripts/mjpeg-camera.py` (one ffmpeg, 10 fps, any number of clients); all on loopback.\n");
    try {
      if (parts.contains("1")) {
        md.append(recovery(work, trials));
      }
      if (parts.contains("2")) {
        md.append(soak(work, soakSeconds));
      }
      if (parts.contains("3")) {
        md.append(dead(work, deadSeconds));
      }
    } finally {
      JARS.forEach(JarProcess::close);
      VERTX.close();
    }
    progress("done in %.1f min", (System.currentTimeMillis() - begin) / 60_000.0);
    BenchReport.writeSection(MP4 ? "rtsp-mp4" : "rtsp", md.toString());
    System.exit(0);
  }

  // ---------------------------------------------------------------------------------------------------------
  // 1. Recovery after a freeze and after a reboot, against plain ffmpeg
  // ---------------------------------------------------------------------------------------------------------

  private record Kind(String label, String codec, int gop) {
  }

  private static final List<Kind> KINDS = List.of(
      new Kind("RTSP H.264, keyframe every 1 s", "h264", 1),
      new Kind("RTSP H.264, keyframe every 4 s", "h264", 4),
      new Kind("RTSP H.265, keyframe every 2 s", "h265", 2),
      new Kind("RTSP MJPEG", "mjpeg", 1),
      new Kind("HTTP MJPEG (10 fps)", "http", 0));

  private static String recovery(Path work, int trials) throws Exception {
    StringBuilder rows = new StringBuilder();
    StringBuilder notes = new StringBuilder();
    String only = System.getProperty("rtsp.kinds", "");
    for (Kind kind : KINDS) {
      if (!only.isEmpty() && !List.of(only.split(",")).contains(kind.codec() + kind.gop())) {
        continue;
      }
      progress("== %s", kind.label());
      List<Long> plain = new ArrayList<>();
      List<Long> thaw = new ArrayList<>();
      List<Long> reboot = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      try (Source source = Source.of(kind)) {
        for (int i = 0; i < trials; i++) {
          Long ms = plainFirstJpeg(work, source);
          if (ms == null) {
            problems.add("plain ffmpeg got no frame in trial " + (i + 1));
          } else {
            plain.add(ms);
          }
          progress("  plain ffmpeg %d/%d: %s", i + 1, trials, ms == null ? "no frame" : ms + " ms");
          // A random pause, so the trials do not all join the camera at the same point of its keyframe cycle.
          Thread.sleep(300 + RANDOM.nextInt(Math.max(1, kind.gop()) * 1000 + 1));
        }
        try (JarProcess jar = startJar(Files.createTempDirectory(work, "rec"), new JsonArray()
            .add(new JsonObject().put("id", "cam").put("url", source.url())));
             PageViewer viewer = new PageViewer(port(jar), "cam")) {
          int port = port(jar);
          int[] logged = {0};
          for (int i = 0; i < trials; i++) {
            debugLog(jar, logged);
            if (!viewer.awaitSteady(60_000)) {
              problems.add("no steady video before thaw trial " + (i + 1) + ": " + status(port, "cam"));
              break;
            }
            int closes = viewer.closes.size();
            long frozenAt = System.currentTimeMillis();
            long lastFrame = viewer.lastFrameAt;
            source.freeze();
            debug("freeze");
            PageViewer.Closed close = viewer.awaitClose(closes, 1013, 20_000);
            if (close == null) {
              problems.add("no 1013 at the viewer within 20 s of freeze " + (i + 1) + ": " + status(port, "cam"));
            }
            long wait = 3000 + RANDOM.nextInt(5001);
            Thread.sleep(wait);
            long thawedAt = System.currentTimeMillis();
            viewer.mark(thawedAt);
            source.thaw();
            debug("thaw");
            Long back = viewer.awaitFirstAfterMark(BACK_TIMEOUT_MILLIS);
            if (back == null) {
              problems.add("not back " + BACK_TIMEOUT_MILLIS / 1000 + " s after thaw " + (i + 1) + ": "
                  + status(port, "cam") + source.revive());
            } else {
              thaw.add(back - thawedAt);
            }
            progress("  thaw %d/%d: 1013 %s after the last frame; frozen %.1f s; first frame %s after the thaw",
                i + 1, trials, close == null ? "never" : (close.at() - lastFrame) + " ms",
                (thawedAt - frozenAt) / 1000.0, back == null ? "NEVER" : (back - thawedAt) + " ms");
          }
          for (int i = 0; i < trials; i++) {
            debugLog(jar, logged);
            if (!viewer.awaitSteady(60_000)) {
              problems.add("no steady video before reboot trial " + (i + 1) + ": " + status(port, "cam"));
              break;
            }
            source.stop();
            debug("camera stopped");
            long down = 4000 + RANDOM.nextInt(4001);
            Thread.sleep(down);
            viewer.mark(System.currentTimeMillis());
            long answersAt = source.start();
            debug("camera answers");
            Long back = viewer.awaitFirstAfterMark(BACK_TIMEOUT_MILLIS);
            if (back == null) {
              problems.add("not back " + BACK_TIMEOUT_MILLIS / 1000 + " s after reboot " + (i + 1) + ": "
                  + status(port, "cam") + source.revive());
            } else {
              reboot.add(Math.max(0, back - answersAt));
            }
            progress("  reboot %d/%d: down %.1f s; first frame %s after the camera answered", i + 1, trials,
                down / 1000.0, back == null ? "NEVER" : (back - answersAt) + " ms");
          }
          debugLog(jar, logged);
          if (viewer.badFrames.get() > 0) {
            problems.add(viewer.badFrames.get() + " binary messages that were not one complete JPEG");
          }
        }
      } catch (Exception e) {
        problems.add("aborted: " + e);
        progress("  ABORTED: %s", e);
      }
      rows.append(recoveryRow(kind, trials, plain, thaw, reboot));
      for (String p : problems) {
        progress("  PROBLEM: %s", p);
        notes.append("- ").append(kind.label()).append(": ").append(p).append('\n');
      }
    }
    return "\n### Back after a freeze and after a reboot\n\n"
        + "Plain ffmpeg: from spawning `ffmpeg -hide_banner -nostdin -loglevel error [-rtsp_transport tcp] -i URL -an "
        + "-f mjpeg -q:v 5 pipe:1` to its first complete JPEG on stdout. After a thaw: the camera SIGSTOPped while a "
        + "viewer watches, the viewer's 1013 awaited, 3–8 s more frozen, then SIGCONT; from the thaw to the first "
        + "frame at a viewer that reconnects as the page does (on a close it waits 0.6–0.9 s and connects again). "
        + "After a reboot: the camera SIGKILLed (its port refuses), started again 4–8 s later; from the moment it "
        + "answers again to the first frame at that viewer. RTSP cameras are 640x480@15 and shared (one encoder "
        + "for all clients, as real cameras) with one extra client always on, so the encoder runs whoever watches "
        + "and a new client waits for the next keyframe. A thawed test camera sends what it held back at once, so an "
        + "ffmpeg that waited through the freeze (as the service's does) needs no seconds of probing: thaw times can be "
        + "below plain ffmpeg's. Targets (p95): thaw ≤ plain + 1.0 s, reboot ≤ plain + "
        + "`outageRetry` + 1.0 s = plain + 2.5 s. " + trials + " trials each; times p50 / p95.\n\n"
        + "| source | plain ffmpeg p50 / p95 | after thaw p50 / p95 | after reboot p50 / p95 | target (p95) | verdict |\n"
        + "| --- | --- | --- | --- | --- | --- |\n" + rows
        + (notes.length() == 0 ? "" : "\nProblems seen:\n\n" + notes);
  }

  private static String recoveryRow(Kind kind, int trials, List<Long> plain, List<Long> thaw, List<Long> reboot) {
    if (plain.isEmpty()) {
      return "| " + kind.label() + " | no frame | | | | MISSED |\n";
    }
    long plain95 = BenchReport.percentile(plain, 0.95);
    long thawTarget = plain95 + Math.round(THAW_MARGIN_SECONDS * 1000);
    long rebootTarget = plain95 + Math.round(REBOOT_MARGIN_SECONDS * 1000);
    String thawVerdict = verdict(thaw, trials, thawTarget);
    String rebootVerdict = verdict(reboot, trials, rebootTarget);
    return String.format(Locale.ROOT, "| %s | %s | %s | %s | thaw ≤ %s, reboot ≤ %s | thaw %s, reboot %s |%n",
        kind.label(), p50p95(plain, trials), p50p95(thaw, trials), p50p95(reboot, trials), seconds(thawTarget),
        seconds(rebootTarget), thawVerdict, rebootVerdict);
  }

  private static String verdict(List<Long> values, int trials, long target) {
    return values.size() == trials && !values.isEmpty() && BenchReport.percentile(values, 0.95) <= target
        ? "met" : "MISSED";
  }

  private static String p50p95(List<Long> values, int trials) {
    if (values.isEmpty()) {
      return "never back";
    }
    String s = String.format(Locale.ROOT, "%.2f / %.2f s", BenchReport.percentile(values, 0.5) / 1000.0,
        BenchReport.percentile(values, 0.95) / 1000.0);
    return values.size() == trials ? s : s + " (" + (trials - values.size()) + " of " + trials + " never back)";
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
  }

  /** Plain ffmpeg on the camera: milliseconds from spawning it to its first complete JPEG, or null. */
  private static Long plainFirstJpeg(Path work, Source source) throws Exception {
    List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "ffmpeg", "-hide_banner",
        "-nostdin", "-loglevel", "error"));
    if (source.rtsp()) {
      command.addAll(List.of("-rtsp_transport", "tcp"));
    }
    command.addAll(List.of("-i", source.url(), "-an", "-f", "mjpeg", "-q:v", "5", "pipe:1"));
    long begin = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectError(work.resolve("plain-ffmpeg.log").toFile()).start();
    CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
      try {
        return readFirstJpeg(p.getInputStream()) ? (System.nanoTime() - begin) / 1_000_000 : null;
      } catch (IOException e) {
        return null;
      }
    });
    try {
      return first.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return null;
    } finally {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Reads until FFD8 ... FFD9 (the end marker cannot occur inside entropy-coded data); false at the end. */
  private static boolean readFirstJpeg(InputStream in) throws IOException {
    byte[] buf = new byte[65536];
    boolean started = false;
    int previous = -1;
    for (int n; (n = in.read(buf)) > 0; ) {
      for (int i = 0; i < n; i++) {
        int b = buf[i] & 0xFF;
        if (previous == 0xFF && b == 0xD8) {
          started = true;
        } else if (started && previous == 0xFF && b == 0xD9) {
          return true;
        }
        previous = b;
      }
    }
    return false;
  }

  /**
   * A camera of one kind. RTSP ones are shared and have a keeper: one plain client always on (a stream copy to
   * nothing), so the encoder runs whoever else watches, as in a real camera; it is paused while the camera is
   * down and started again the moment it answers.
   */
  private static final class Source implements AutoCloseable {
    private final TestCamera camera;
    /** RTSP only; null for the HTTP camera. */
    private final Keeper keeper;

    private Source(TestCamera camera, Keeper keeper) {
      this.camera = camera;
      this.keeper = keeper;
    }

    static Source of(Kind kind) throws Exception {
      if (kind.codec().equals("http")) {
        return new Source(new FakeMjpegCamera("640x480").start(), null);
      }
      RtspCamera camera = switch (kind.codec()) {
        case "h264" -> RtspCamera.h264(kind.gop());
        case "h265" -> RtspCamera.h265(kind.gop());
        default -> RtspCamera.mjpeg();
      };
      camera.size("640x480").fps(FPS).shared().start();
      Source source = new Source(camera, new Keeper(camera.url()));
      source.keeper.resume();
      Thread.sleep(1500);
      return source;
    }

    String url() {
      return camera.url();
    }

    boolean rtsp() {
      return keeper != null;
    }

    void freeze() {
      camera.freeze();
    }

    void thaw() {
      camera.thaw();
    }

    void stop() {
      if (keeper != null) {
        keeper.pause();
      }
      camera.stop();
    }

    /** Starts the camera again; the epoch milliseconds when it answers. */
    long start() {
      camera.start();
      long at = System.currentTimeMillis();
      if (keeper != null) {
        keeper.resume();
      }
      return at;
    }

    /** When the camera's own server died (a fault of the test camera, not of the service): says so, restarts it. */
    String revive() {
      try {
        camera.pid();
        return " (the camera's server was running)";
      } catch (IllegalStateException dead) {
        progress("  the camera's server had died by itself: started again");
        start();
        return " (the camera's server had DIED by itself; started again)";
      }
    }

    @Override
    public void close() {
      if (keeper != null) {
        keeper.close();
      }
      camera.close();
    }
  }

  /** One plain RTSP client kept connected (stream copy to nothing); started again whenever it exits. */
  private static final class Keeper implements AutoCloseable {
    private final String url;
    private final Thread thread;
    private volatile boolean wanted;
    private volatile boolean closed;
    private Process process;

    Keeper(String url) {
      this.url = url;
      thread = new Thread(this::loop, "keeper");
      thread.setDaemon(true);
      thread.start();
    }

    synchronized void resume() {
      wanted = true;
      if (process == null || !process.isAlive()) {
        spawn();
      }
    }

    synchronized void pause() {
      wanted = false;
      if (process != null) {
        process.destroyForcibly();
      }
    }

    private void spawn() {
      try {
        process = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "ffmpeg", "-hide_banner", "-nostdin",
            "-loglevel", "quiet", "-rtsp_transport", "tcp", "-i", url, "-an", "-c:v", "copy", "-f", "null", "-")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private void loop() {
      while (!closed) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        synchronized (this) {
          if (wanted && !closed && (process == null || !process.isAlive())) {
            spawn();
          }
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      pause();
      thread.interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // 2. Clients joining and leaving a shared camera
  // ---------------------------------------------------------------------------------------------------------

  private static String soak(Path work, int seconds) throws Exception {
    progress("== clients joining and leaving a shared H.264 camera, %d s", seconds);
    RtspCamera camera = RtspCamera.h264(2).size("640x480").fps(FPS).shared();
    List<Process> extras = new ArrayList<>();
    AtomicInteger joined = new AtomicInteger();
    AtomicInteger gotVideo = new AtomicInteger();
    int graceful = 0;
    int abrupt = 0;
    int mostAtOnce = 0;
    String result;
    try (RtspCamera cam = camera.start();
         JarProcess jar = startJar(Files.createTempDirectory(work, "soak"), new JsonArray()
             .add(new JsonObject().put("id", "shared").put("url", cam.url())));
         PageViewer viewer = new PageViewer(port(jar), "shared")) {
      int port = port(jar);
      if (!viewer.awaitSteady(30_000)) {
        throw new IllegalStateException("no video from the shared camera: " + status(port, "shared"));
      }
      Thread.sleep(2000);
      double outages0 = metric(port, "visionroi_camera_outages_total", "shared");
      double restarts0 = metric(port, "visionroi_camera_restarts_total", "shared");
      long frames0 = viewer.frames.get();
      int closes0 = viewer.closes.size();
      viewer.resetMaxGap();
      long start = System.currentTimeMillis();
      long end = start + seconds * 1000L;
      long nextJoin = start + 2000 + RANDOM.nextInt(3001);
      Map<Process, Long> leaveAt = new HashMap<>();
      long nextProgress = start + 60_000;
      while (System.currentTimeMillis() < end) {
        long now = System.currentTimeMillis();
        for (var it = leaveAt.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (now >= e.getValue()) {
            if (RANDOM.nextBoolean()) {
              e.getKey().destroy(); // SIGTERM: ffmpeg ends its session (TEARDOWN)
              graceful++;
            } else {
              e.getKey().destroyForcibly(); // SIGKILL: the connection just drops
              abrupt++;
            }
            it.remove();
          }
        }
        if (now >= nextJoin) {
          nextJoin = now + 2000 + RANDOM.nextInt(3001);
          if (leaveAt.size() < 2) {
            Process p = extraClient(cam.url(), gotVideo);
            extras.add(p);
            joined.incrementAndGet();
            leaveAt.put(p, now + 1000 + RANDOM.nextInt(3001));
            mostAtOnce = Math.max(mostAtOnce, leaveAt.size());
          }
        }
        if (now >= nextProgress) {
          nextProgress += 60_000;
          progress("  soak %d s: %d frames, %d extra clients, longest gap %d ms, outages %.0f", (now - start) / 1000,
              viewer.frames.get() - frames0, joined.get(), viewer.maxGap(), metric(port, "visionroi_camera_outages_total",
                  "shared") - outages0);
        }
        Thread.sleep(50);
      }
      long frames = viewer.frames.get() - frames0;
      long elapsed = System.currentTimeMillis() - start;
      long gap = viewer.maxGap();
      int closes = viewer.closes.size() - closes0;
      double outages = metric(port, "visionroi_camera_outages_total", "shared") - outages0;
      double restarts = metric(port, "visionroi_camera_restarts_total", "shared") - restarts0;
      leaveAt.keySet().forEach(Process::destroyForcibly);
      long expected = Math.round(FPS * elapsed / 1000.0);
      progress("  soak done: outages %.0f, restarts %.0f, longest gap %d ms, frames %d of %d, viewer closes %d",
          outages, restarts, gap, frames, expected, closes);
      result = String.format(Locale.ROOT,
          "| %s | %d (%d got video; %d left with TEARDOWN, %d dropped; at most %d at once) | %.0f | %.0f | %d ms | %d of %d "
              + "(%.1f %%) | %d | %s |%n",
          duration(elapsed), joined.get(), gotVideo.get(), graceful, abrupt, mostAtOnce, outages, restarts, gap, frames,
          expected, frames * 100.0 / expected, closes, outages == 0 ? "met" : "MISSED");
    } finally {
      for (Process p : extras) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
    return "\n### Clients joining and leaving\n\n"
        + "A shared H.264 camera (640x480@15, keyframe every 2 s) watched through the service by one viewer; every "
        + "2–5 s another plain client (`ffmpeg -rtsp_transport tcp -i URL -an -f mjpeg -q:v 5 pipe:1`, read and "
        + "discarded) joins the camera for 1–4 s, at most 2 at once, and leaves either cleanly (SIGTERM: ffmpeg "
        + "sends TEARDOWN) or by dropping the connection (SIGKILL). Outages and restarts: "
        + "`visionroi_camera_outages_total` and `visionroi_camera_restarts_total` from `/metrics` over the run. "
        + "Target: no outage.\n\n"
        + "| duration | extra clients | outages | ffmpeg restarts | longest gap between frames | frames received "
        + "of expected (15 fps) | viewer closes | verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        + result;
  }

  /** A plain client of the camera; counts into {@code gotVideo} once it has produced a JPEG. */
  private static Process extraClient(String url, AtomicInteger gotVideo) throws IOException {
    Process p = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "ffmpeg", "-hide_banner", "-nostdin",
        "-loglevel", "quiet", "-rtsp_transport", "tcp", "-i", url, "-an", "-f", "mjpeg", "-q:v", "5", "pipe:1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        if (readFirstJpeg(in)) {
          gotVideo.incrementAndGet();
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      } catch (IOException e) {
        // gone
      }
    }, "extra-client");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  // ---------------------------------------------------------------------------------------------------------
  // 3. Dead cameras beside live ones
  // ---------------------------------------------------------------------------------------------------------

  private record Window(String label, double seconds, long[] frames, int closes, long maxGap, double jvm,
      double liveFfmpeg, double deadFfmpeg, int deadStarts) {
    double total() {
      return jvm + liveFfmpeg + deadFfmpeg;
    }
  }

  private static String dead(Path work, int windowSeconds) throws Exception {
    progress("== dead cameras beside live ones (windows of %d s)", windowSeconds);
    List<RtspCamera> live = new ArrayList<>();
    List<BlackholeCamera> holes = new ArrayList<>();
    List<PageViewer> viewers = new ArrayList<>();
    List<Window> windows = new ArrayList<>();
    CpuSampler sampler = null;
    try {
      JsonArray cameras = new JsonArray();
      Set<String> liveNeedles = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        RtspCamera c = RtspCamera.h264(1).size("320x240").fps(FPS).start();
        live.add(c);
        liveNeedles.add("127.0.0.1:" + c.port() + "/");
        cameras.add(new JsonObject().put("id", "live" + i).put("url", c.url()));
      }
      Set<String> deadNeedles = new HashSet<>();
      JsonArray all = cameras.copy();
      for (int i = 0; i < 12; i++) {
        BlackholeCamera b = new BlackholeCamera();
        holes.add(b);
        deadNeedles.add("127.0.0.1:" + b.port() + "/");
        all.add(new JsonObject().put("id", "dead" + i).put("url", b.url()));
      }
      Path dir = Files.createTempDirectory(work, "dead");
      try (JarProcess jar = startJar(dir, cameras)) {
        int port = port(jar);
        for (int i = 0; i < 4; i++) {
          viewers.add(new PageViewer(port, "live" + i));
        }
        sampler = new CpuSampler(liveNeedles, deadNeedles);
        for (PageViewer v : viewers) {
          if (!v.awaitSteady(30_000)) {
            throw new IllegalStateException("no video from " + v.camera + ": " + status(port, v.camera));
          }
        }
        progress("  4 live cameras: %d s warm-up", DEAD_WARM_UP_SECONDS);
        Thread.sleep(DEAD_WARM_UP_SECONDS * 1000L);
        windows.add(window("4 live", jar, viewers, sampler, windowSeconds, null));
        // The same service, its config file rewritten at the start of the window (so the reload's own effect on the
        // live cameras is in it): the 12 dead cameras start, the live ones keep their ffmpeg.
        long[] added = new long[1];
        windows.add(window("4 live + 12 dead, first " + windowSeconds + " s", jar, viewers, sampler, windowSeconds,
            () -> {
              writeConfig(dir, all);
              added[0] = System.currentTimeMillis();
              progress("  12 dead cameras added (config reload)");
            }));
        if (sampler.snapshot().dead().isEmpty()) {
          throw new IllegalStateException("the dead cameras were not started after the reload:\n"
              + String.join("\n", jar.output));
        }
        long pause = added[0] + DEAD_STEADY_AFTER_SECONDS * 1000L - System.currentTimeMillis();
        if (pause > 0) {
          progress("  waiting %d s for the dead cameras' slow retry pace", pause / 1000);
          Thread.sleep(pause);
        }
        windows.add(window("4 live + 12 dead, from " + (System.currentTimeMillis() - added[0]) / 1000 + " s on", jar,
            viewers, sampler, windowSeconds, null));
        // The dead ones removed again: the 4 alone once more, with a JVM as warm as in the windows with 16.
        writeConfig(dir, cameras);
        if (!Processes.waitFor(15_000, () -> holes.stream()
            .allMatch(h -> Processes.ffmpegWith("127.0.0.1:" + h.port() + "/").isEmpty()))) {
          throw new IllegalStateException("the dead cameras' ffmpeg still run after their removal");
        }
        progress("  12 dead cameras removed (config reload)");
        Thread.sleep(5000);
        windows.add(window("4 live again", jar, viewers, sampler, windowSeconds, null));
        for (int i = 0; i < 4; i++) {
          if (viewers.get(i).badFrames.get() > 0) {
            progress("  PROBLEM: live%d: %d binary messages that were not one JPEG", i, viewers.get(i).badFrames.get());
          }
        }
      }
    } finally {
      if (sampler != null) {
        sampler.close();
      }
      viewers.forEach(PageViewer::close);
      holes.forEach(BlackholeCamera::close);
      live.forEach(RtspCamera::close);
    }
    StringBuilder rows = new StringBuilder();
    for (Window w : windows) {
      long min = Long.MAX_VALUE;
      long max = 0;
      for (long f : w.frames()) {
        min = Math.min(min, f);
        max = Math.max(max, f);
      }
      long expected = Math.round(FPS * w.seconds());
      rows.append(String.format(Locale.ROOT,
          "| %s | %.0f s | %d–%d of %d (%.2f–%.2f fps) | %d / %d ms | %.2f %% | %.2f %% | %.2f %% | %d | %.2f %% |%n",
          w.label(), w.seconds(), min, max, expected, min / w.seconds(), max / w.seconds(), w.closes(), w.maxGap(),
          w.jvm(), w.liveFfmpeg(), w.deadFfmpeg(), w.deadStarts(), w.total()));
    }
    StringBuilder cost = new StringBuilder();
    if (windows.size() == 4) {
      // The reference: the 4 alone after the dead ones went, with a warm JVM (the first window still has JIT work).
      Window alone = windows.get(3);
      for (Window w : windows.subList(1, 3)) {
        double d = w.total() - alone.total();
        cost.append(String.format(Locale.ROOT, "- %s: dead ones cost %+.2f %% of one core (JVM %+.2f %%, live ffmpeg "
                + "%+.2f %%, dead cameras' ffmpeg %.2f %% for %d ffmpeg starts, %.0f ms of CPU each); against the first "
                + "window with the 4 alone %+.2f %%. Target ≤ 1 %%: %s%n", w.label(), d, w.jvm() - alone.jvm(),
            w.liveFfmpeg() - alone.liveFfmpeg(), w.deadFfmpeg(), w.deadStarts(),
            w.deadStarts() == 0 ? 0 : w.deadFfmpeg() / 100 * w.seconds() * 1000 / w.deadStarts(),
            w.total() - windows.get(0).total(), d <= 1.0 ? "met" : "MISSED"));
      }
    }
    return "\n### Dead cameras beside live ones\n\n"
        + "4 live H.264 RTSP cameras (320x240@15, keyframe every 1 s), one page-like viewer each; first alone (after a "
        + DEAD_WARM_UP_SECONDS + " s warm-up), then in the same service 12 `BlackholeCamera`s (accept TCP, never answer) "
        + "added by a config reload: one window at once, one " + DEAD_STEADY_AFTER_SECONDS + " s after the reload, once "
        + "the dead cameras' retries have slowed to one ffmpeg every 30 s (each lives 10 s, its socket timeout); then "
        + "the dead ones removed by another reload and the 4 alone again. Frames: received by each live "
        + "camera's viewer (min–max over the 4) of 15 fps × window. CPU in % of one core over the window: the service "
        + "JVM, and its ffmpeg processes (every ffmpeg on the cameras' ports sampled from /proc every 150 ms, each "
        + "process's last seen ticks counted). Target: the live ones lose no frame; dead ones cost ≤ 1 % of one core "
        + "(total CPU with 16 minus with the 4 alone; the reference is the last window, whose JVM is as warm as in "
        + "the windows with 16).\n\n"
        + "| configuration | window | frames per live camera | viewer closes / longest gap | JVM CPU | live ffmpeg CPU "
        + "| dead cameras' ffmpeg CPU | dead ffmpeg starts | total CPU |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + rows + "\n" + cost;
  }

  /** An action that may throw, run at the start of a window. */
  private interface Step {
    void run() throws Exception;
  }

  private static Window window(String label, JarProcess jar, List<PageViewer> viewers, CpuSampler sampler,
      int seconds, Step atStart) throws Exception {
    progress("  window \"%s\": %d s", label, seconds);
    long[] frames0 = viewers.stream().mapToLong(v -> v.frames.get()).toArray();
    int closes0 = viewers.stream().mapToInt(v -> v.closes.size()).sum();
    viewers.forEach(PageViewer::resetMaxGap);
    long jvm0 = BenchReport.cpuTicks(jar.pid());
    CpuSampler.Snapshot cpu0 = sampler.snapshot();
    long t0 = System.nanoTime();
    if (atStart != null) {
      atStart.run();
    }
    Thread.sleep(Math.max(0, seconds * 1000L - (System.nanoTime() - t0) / 1_000_000));
    long[] frames = viewers.stream().mapToLong(v -> v.frames.get()).toArray();
    long jvm1 = BenchReport.cpuTicks(jar.pid());
    CpuSampler.Snapshot cpu1 = sampler.snapshot();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    for (int i = 0; i < frames.length; i++) {
      frames[i] -= frames0[i];
    }
    int closes = viewers.stream().mapToInt(v -> v.closes.size()).sum() - closes0;
    long gap = viewers.stream().mapToLong(PageViewer::maxGap).max().orElse(0);
    double scale = 100.0 / TICKS_PER_SECOND / elapsed;
    Window w = new Window(label, elapsed, frames, closes, gap, (jvm1 - jvm0) * scale,
        cpu1.liveSince(cpu0) * scale, cpu1.deadSince(cpu0) * scale, cpu1.deadStartsSince(cpu0));
    progress("    frames %s in %.1f s; closes %d, longest gap %d ms; JVM %.2f %%, live ffmpeg %.2f %%, dead ffmpeg %.2f %% "
            + "(%d starts); total %.2f %%", java.util.Arrays.toString(frames), elapsed, closes, gap, w.jvm(),
        w.liveFfmpeg(), w.deadFfmpeg(), w.deadStarts(), w.total());
    return w;
  }

  /**
   * Samples /proc every 150 ms for ffmpeg processes whose command line holds one of the needles, keeping each
   * process's (pid and start time) last seen CPU ticks, so short-lived ones are counted too.
   */
  private static final class CpuSampler implements AutoCloseable {
    record Snapshot(Map<String, Long> live, Map<String, Long> dead) {
      long liveSince(Snapshot before) {
        return since(live, before.live);
      }

      long deadSince(Snapshot before) {
        return since(dead, before.dead);
      }

      int deadStartsSince(Snapshot before) {
        return (int) dead.keySet().stream().filter(k -> !before.dead.containsKey(k)).count();
      }

      private static long since(Map<String, Long> now, Map<String, Long> then) {
        return now.entrySet().stream().mapToLong(e -> e.getValue() - then.getOrDefault(e.getKey(), 0L)).sum();
      }
    }

    private final Set<String> liveNeedles;
    private final Set<String> deadNeedles;
    private final Map<String, Long> live = new HashMap<>();
    private final Map<String, Long> dead = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    CpuSampler(Set<String> liveNeedles, Set<String> deadNeedles) {
      this.liveNeedles = liveNeedles;
      this.deadNeedles = deadNeedles;
      thread = new Thread(this::loop, "cpu-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    synchronized Snapshot snapshot() {
      sample();
      return new Snapshot(new HashMap<>(live), new HashMap<>(dead));
    }

    private void loop() {
      while (running) {
        synchronized (this) {
          sample();
        }
        try {
          Thread.sleep(150);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sample() {
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : (Iterable<Path>) procs::iterator) {
          String name = proc.getFileName().toString();
          if (!name.chars().allMatch(Character::isDigit)) {
            continue;
          }
          try {
            String[] argv = Files.readString(proc.resolve("cmdline")).split("\0");
            if (argv.length == 0 || !argv[0].endsWith("ffmpeg")) {
              continue;
            }
            String line = String.join(" ", argv);
            Map<String, Long> into = deadNeedles.stream().anyMatch(line::contains) ? dead
                : liveNeedles.stream().anyMatch(line::contains) ? live : null;
            if (into == null) {
              continue;
            }
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            into.put(name + "@" + f[19], Long.parseLong(f[11]) + Long.parseLong(f[12]));
          } catch (IOException | RuntimeException gone) {
            // exited meanwhile
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // The viewer, the jar, the API
  // ---------------------------------------------------------------------------------------------------------

  /**
   * A viewer that behaves as the page does: connected until the server closes, then 0.6–0.9 s later connected
   * again (also after 10 s without a frame, which the page does not need as the server sends viewers of a camera
   * without video away). It keeps no frames, only counts and times them, so it can run for long.
   */
  private static final class PageViewer implements AutoCloseable {
    record Closed(int code, long at) {
    }

    private static final long NO_FRAME_MILLIS = 10_000;

    final String camera;
    final AtomicLong frames = new AtomicLong();
    final AtomicLong badFrames = new AtomicLong();
    final List<Closed> closes = new CopyOnWriteArrayList<>();
    volatile long lastFrameAt;
    private final int port;
    private final WebSocketClient client;
    private final long timer;
    private volatile boolean stopped;
    private volatile WebSocket socket;
    private volatile long connectedAt;
    private volatile long streamingSince;
    private volatile long markAt = Long.MAX_VALUE;
    private volatile long firstAfterMark;
    private volatile long maxGap;

    PageViewer(int port, String camera) {
      this.port = port;
      this.camera = camera;
      this.client = VERTX.createWebSocketClient(new WebSocketClientOptions()
          .setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20));
      this.timer = VERTX.setPeriodic(500, id -> {
        WebSocket ws = socket;
        if (ws != null && System.currentTimeMillis() - Math.max(connectedAt, lastFrameAt) > NO_FRAME_MILLIS) {
          ws.close();
        }
      });
      connect();
    }

    private void connect() {
      if (stopped) {
        return;
      }
      client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws/cameras/" + camera
              + (MP4 ? "?format=mp4" : "")))
          .onSuccess(ws -> {
            connectedAt = System.currentTimeMillis();
            streamingSince = 0;
            debug("viewer " + camera + ": connected");
            socket = ws;
            ws.binaryMessageHandler(this::onFrame);
            ws.closeHandler(v -> {
              closes.add(new Closed(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode(),
                  System.currentTimeMillis()));
              socket = null;
              streamingSince = 0;
              debug("viewer " + camera + ": closed " + ws.closeStatusCode() + " " + ws.closeReason());
              retry();
            });
            if (stopped) {
              ws.close();
            }
          })
          .onFailure(e -> retry());
    }

    private void retry() {
      if (!stopped) {
        VERTX.setTimer(600 + RANDOM.nextInt(301), id -> connect());
      }
    }

    private void onFrame(Buffer b) {
      long now = System.currentTimeMillis();
      int n = b.length();
      if (MP4 && n >= 8 && b.getString(4, 8).equals("ftyp")) {
        return; // an init segment: no picture yet
      }
      if (MP4 ? n < 8 || !b.getString(4, 8).equals("moof") : n < 4 || b.getUnsignedByte(0) != 0xFF || b.getUnsignedByte(1) != 0xD8 || b.getUnsignedByte(n - 2) != 0xFF
          || b.getUnsignedByte(n - 1) != 0xD9) {
        badFrames.incrementAndGet();
      }
      if (lastFrameAt > 0) {
        maxGap = Math.max(maxGap, now - lastFrameAt);
      }
      lastFrameAt = now;
      if (streamingSince == 0) {
        streamingSince = now;
        debug("viewer " + camera + ": first frame of this connection");
      }
      if (firstAfterMark == 0 && now >= markAt) {
        firstAfterMark = now;
      }
      frames.incrementAndGet();
    }

    /** Connected, with frames for at least half a second and the last one under 0.5 s ago. */
    boolean awaitSteady(long timeoutMillis) {
      return Processes.waitFor(timeoutMillis, () -> {
        long now = System.currentTimeMillis();
        return socket != null && streamingSince > 0 && now - streamingSince >= 500 && now - lastFrameAt < 500;
      });
    }

    /** The first close with this code after the first {@code skip} closes, or null at the timeout. */
    Closed awaitClose(int skip, int code, long timeoutMillis) {
      Closed[] found = new Closed[1];
      Processes.waitFor(timeoutMillis, () -> {
        for (int i = skip; i < closes.size(); i++) {
          if (closes.get(i).code() == code) {
            found[0] = closes.get(i);
            return true;
          }
        }
        return false;
      });
      return found[0];
    }

    /** From now on, the first frame received at or after {@code at} is remembered. */
    void mark(long at) {
      firstAfterMark = 0;
      markAt = at;
    }

    Long awaitFirstAfterMark(long timeoutMillis) {
      boolean back = Processes.waitFor(timeoutMillis, () -> firstAfterMark != 0);
      long at = firstAfterMark;
      markAt = Long.MAX_VALUE;
      return back ? at : null;
    }

    /** The longest time between two frames since the last call of {@link #resetMaxGap()}. */
    long maxGap() {
      long open = lastFrameAt > 0 ? System.currentTimeMillis() - lastFrameAt : 0;
      return Math.max(maxGap, open);
    }

    void resetMaxGap() {
      maxGap = 0;
    }

    @Override
    public void close() {
      stopped = true;
      VERTX.cancelTimer(timer);
      WebSocket ws = socket;
      if (ws != null) {
        ws.close();
      }
      client.close();
    }
  }

  private static JarProcess startJar(Path dir, JsonArray cameras) throws IOException {
    JarProcess jar = DEBUG ? JarProcess.start(dir, new JsonObject().put("cameras", cameras), "LOG_LEVEL=DEBUG")
        : JarProcess.start(dir, new JsonObject().put("cameras", cameras));
    JARS.add(jar);
    jar.awaitStarted(30_000);
    return jar;
  }

  private static int port(JarProcess jar) {
    return jar.awaitStarted(30_000);
  }

  /** Rewrites the config file JarProcess wrote (same http settings), in one step: the service reloads it. */
  private static void writeConfig(Path dir, JsonArray cameras) throws IOException {
    Path tmp = dir.resolve("config.json.tmp");
    Files.writeString(tmp, new JsonObject().put("cameras", cameras)
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)).encodePrettily());
    Files.move(tmp, dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String status(int port, String camera) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/cameras/" + camera))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "(no status: " + e + ")";
    }
  }

  /** One series of /metrics (Prometheus text) for this camera; NaN when it is missing. */
  private static double metric(int port, String name, String camera) {
    try {
      String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "{") && line.contains("camera=\"" + camera + "\"")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (Exception e) {
      // reported as NaN
    }
    return Double.NaN;
  }

  private static String duration(long millis) {
    long s = Math.round(millis / 1000.0);
    return s >= 120 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
  }

  private static void debug(String what) {
    if (DEBUG) {
      progress("    [debug] %s", what);
    }
  }

  /** With -Drtsp.debug: the service's camera log lines since the last call (their own timestamps). */
  private static void debugLog(JarProcess jar, int[] from) {
    if (!DEBUG) {
      return;
    }
    List<String> lines = new ArrayList<>(jar.output);
    for (int i = from[0]; i < lines.size(); i++) {
      if (lines.get(i).contains("camera ")) {
        System.out.println("    [service] " + lines.get(i));
      }
    }
    from[0] = lines.size();
  }

  private static void progress(String format, Object... args) {
    long now = System.currentTimeMillis();
    System.out.println(String.format(Locale.ROOT, "%tT.%tL ", now, now) + String.format(Locale.ROOT, format, args));
  }
}
