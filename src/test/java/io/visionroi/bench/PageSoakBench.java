package io.visionroi.bench;

import io.visionroi.support.Chromium;
import io.visionroi.support.FakeMjpegCamera;
import io.visionroi.support.JarApi;
import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.visionroi.support.RawViewer;
import io.visionroi.support.Resources;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.TestCamera;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A site's hour in a few minutes, against the packaged jar under the systemd unit's heap: the viewer page in
 * Chromium scrolled up and down (tiles out of sight let go of their stream and take it again), reloaded, one
 * camera shown alone and back; cameras frozen and thawed (their viewers sent away, the page reconnecting);
 * beside it, clients that join and leave every second in every way clients leave (close frame, TCP close,
 * reset; WebSocket JPEG and MP4 viewers, MJPEG streams). Thousands of connections. In the same quiet state
 * after the warm-up and at the end (page at the top, no other client, every camera live), what the service
 * holds: RSS, heap after a full GC, open files, threads, open connections, viewers, event-bus subscriptions.
 * Written to docs/BENCHMARKS.md. Usage: {@code PageSoakBench [SECONDS]} (600 by default).
 */
public final class PageSoakBench {

  private static final int CAMERAS_PER_KIND = 4;
  private static final int WARM_UP_SECONDS = 60;
  private static final int CLIENTS_PER_SECOND = 5;
  private static final int FREEZE_EVERY_SECONDS = 20;
  private static final int FREEZE_SECONDS = 6;
  private static final int RELOAD_EVERY_SECONDS = 30;
  private static final int ALONE_EVERY_SECONDS = 45;

  private PageSoakBench() {
  }

  /** A client that joined, and when it leaves. */
  private record Joined(RawViewer viewer, long leaveAt) {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "page-soak");
    Random random = new Random(7);
    try (Resources opened = new Resources()) {
      Map<String, TestCamera> frozenable = new LinkedHashMap<>();
      List<String> jpegIds = new ArrayList<>();
      List<String> mp4Ids = new ArrayList<>();
      JsonArray cameras = new JsonArray();
      for (int i = 0; i < CAMERAS_PER_KIND; i++) {
        RtspCamera rtsp = opened.open(RtspCamera.h264(2).size("320x240").fps(10).start());
        FakeMjpegCamera mjpeg = opened.open(new FakeMjpegCamera("320x240").start());
        frozenable.put("rtsp" + i, rtsp);
        frozenable.put("mjpeg" + i, mjpeg);
        mp4Ids.add("rtsp" + i);
        jpegIds.addAll(List.of("mjpeg" + i, "pattern" + i));
        cameras.add(new JsonObject().put("id", "rtsp" + i).put("url", rtsp.url()))
            .add(new JsonObject().put("id", "mjpeg" + i).put("url", mjpeg.url()))
            .add(new JsonObject().put("id", "pattern" + i).put("url", "lavfi:testsrc2=size=320x240:rate=10"));
      }
      JarProcess jar = opened.open(JarProcess.start(work, new JsonObject().put("cameras", cameras)));
      int port = jar.awaitStarted(30_000);
      Service service = new Service(new JarApi(port), jar.pid());
      if (!Processes.waitFor(60_000, () -> service.api().liveCameras() == cameras.size())) {
        throw new IllegalStateException("cameras not live: " + service.api().liveCameras());
      }
      Chromium browser = opened.open(Chromium.startOrSkip("PageSoakBench"));
      browser.resize(760, 560); // two tiles a row, a third of them in sight
      browser.open("http://127.0.0.1:" + port + "/");

      Deque<Joined> clients = new ArrayDeque<>();
      Map<String, Long> frozenUntil = new LinkedHashMap<>();
      Counts counts = new Counts();
      long start = System.currentTimeMillis();
      Sample before = null;
      long warmEnd = start + WARM_UP_SECONDS * 1000L;
      long end = warmEnd + seconds * 1000L;
      for (long tick = 0; ; tick++) {
        long now = System.currentTimeMillis();
        if (before == null && now >= warmEnd) {
          before = quiet(service, browser, clients, frozenable, frozenUntil);
          progress("start: %s", before);
          warmEnd = Long.MAX_VALUE;
          counts = new Counts();
          counts.openedBefore = service.metric("visionroi_http_connections_opened_total");
          end = System.currentTimeMillis() + seconds * 1000L;
          continue;
        }
        if (now >= end) {
          break;
        }
        // the page: scrolled every 2 s, reloaded, one camera alone and back
        if (tick % 2 == 0) {
          page(browser, "window.scrollTo(0, document.body.scrollHeight * " + random.nextDouble() + ");");
          counts.scrolls++;
        }
        if (tick % RELOAD_EVERY_SECONDS == RELOAD_EVERY_SECONDS - 1) {
          page(browser, "location.reload();");
          counts.reloads++;
        }
        if (tick % ALONE_EVERY_SECONDS == 10) {
          page(browser, "location.hash = '#camera=" + jpegIds.get(random.nextInt(jpegIds.size())) + "';");
          counts.alone++;
        } else if (tick % ALONE_EVERY_SECONDS == 15) {
          page(browser, "location.hash = '';");
        }
        // cameras frozen and thawed
        if (tick % FREEZE_EVERY_SECONDS == 0) {
          List<String> ids = new ArrayList<>(frozenable.keySet());
          ids.removeAll(frozenUntil.keySet());
          String id = ids.get(random.nextInt(ids.size()));
          frozenable.get(id).freeze();
          frozenUntil.put(id, now + FREEZE_SECONDS * 1000L);
          counts.freezes++;
        }
        thawDue(frozenable, frozenUntil, now);
        // clients joining and leaving
        for (int i = 0; i < CLIENTS_PER_SECOND; i++) {
          RawViewer viewer = switch (i % 3) {
            case 0 -> RawViewer.webSocket(port, "/ws/cameras/" + jpegIds.get(random.nextInt(jpegIds.size())));
            case 1 -> RawViewer.webSocket(port, "/ws/cameras/" + mp4Ids.get(random.nextInt(mp4Ids.size())) + "?format=mp4");
            default -> RawViewer.get(port, "/api/cameras/" + jpegIds.get(random.nextInt(jpegIds.size())) + "/stream.mjpeg");
          };
          counts.clients++;
          clients.addLast(new Joined(viewer, now + random.nextInt(3000)));
        }
        while (!clients.isEmpty() && clients.peekFirst().leaveAt() <= now) {
          leave(clients.removeFirst().viewer(), random);
        }
        if (tick % 30 == 0) {
          progress("%d s: %d clients, %d freezes, %d reloads; open connections %d, viewers %d", (now - start) / 1000,
              counts.clients, counts.freezes, counts.reloads, service.metric("visionroi_http_connections "),
              service.metric("visionroi_camera_viewers"));
        }
        Thread.sleep(Math.max(0, now + 1000 - System.currentTimeMillis()));
      }
      Sample after = quiet(service, browser, clients, frozenable, frozenUntil);
      progress("end: %s", after);
      long connections = service.metric("visionroi_http_connections_opened_total") - counts.openedBefore;
      Processes.signal(jar.pid(), "TERM");
      int exit = jar.awaitExit(10_000);
      BenchReport.writeSection("soak", report(seconds, cameras.size(), counts, connections, before, after, exit));
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** What a user does on the page; a page still loading (after a reload) misses that one action. */
  private static void page(Chromium browser, String javascript) {
    try {
      browser.script(javascript);
    } catch (RuntimeException loading) {
      progress("page busy: %s", loading.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static void leave(RawViewer viewer, Random random) {
    try {
      viewer.leave(RawViewer.Leaving.values()[random.nextInt(RawViewer.Leaving.values().length)]);
    } catch (Exception gone) {
      // the service closed it first (an outage ends a viewer)
    }
  }

  private static void thawDue(Map<String, TestCamera> cameras, Map<String, Long> frozenUntil, long now) {
    frozenUntil.entrySet().removeIf(e -> {
      if (e.getValue() > now) {
        return false;
      }
      cameras.get(e.getKey()).thaw();
      return true;
    });
  }

  /**
   * The same state at the start and the end: no other client, every camera thawed and live again, the page
   * at the top in its grid; then a full GC, and what the service holds.
   */
  private static Sample quiet(Service service, Chromium browser, Deque<Joined> clients,
      Map<String, TestCamera> cameras, Map<String, Long> frozenUntil) throws Exception {
    while (!clients.isEmpty()) {
      leave(clients.removeFirst().viewer(), new Random(0));
    }
    thawDue(cameras, frozenUntil, Long.MAX_VALUE);
    page(browser, "location.hash = '';");
    Thread.sleep(500);
    page(browser, "window.scrollTo(0, 0);");
    Processes.waitFor(30_000, service::allLive);
    Thread.sleep(10_000); // the page's tiles reconnected, out-of-sight ones let go
    // the tiles in sight: each says live and its picture moves
    String inSight = "[...document.querySelectorAll('.tile')].filter(t => { const r = t.getBoundingClientRect();"
        + " return r.bottom > 0 && r.top < innerHeight; })";
    browser.script("window.soakFrames = " + inSight + ".map(t => Number(t.dataset.frames));");
    Thread.sleep(2000);
    long tilesMoving = (Long) browser.script("return " + inSight + ".filter((t, i) => t.dataset.state === 'live'"
        + " && Number(t.dataset.frames) > window.soakFrames[i]).length;");
    return service.sample(tilesMoving);
  }

  private record Sample(long rssMb, double heapAfterGcMb, double heapCommittedMb, double nonHeapMb, long openFiles, long threads, long connections,
      long vertxConnections, long viewers, long busHandlers, long tilesMoving) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "RSS %d MB, heap %.1f MB (committed %.0f MB), non-heap %.1f MB, %d files, %d threads, %d/%d connections, "
          + "%d viewers, %d handlers, %d tiles in sight live and moving", rssMb, heapAfterGcMb, heapCommittedMb,
          nonHeapMb, openFiles, threads, connections,
          vertxConnections, viewers, busHandlers, tilesMoving);
    }
  }

  private static final class Counts {
    long clients;
    long freezes;
    long reloads;
    long scrolls;
    long alone;
    long openedBefore;
  }

  /** The jar as an operator sees it: its API, /metrics and its process. */
  private record Service(JarApi api, long pid) {

    boolean allLive() {
      return api.statuses().stream().allMatch(c -> "live".equals(c.getString("state")));
    }

    long metric(String lineStart) {
      return Math.round(api.metric(lineStart));
    }

    Sample sample(long tilesMoving) throws Exception {
      BenchReport.fullGc(pid);
      return new Sample(BenchReport.rssMb(pid), api.metric("jvm_memory_used_bytes{area=\"heap\"") / 1e6,
          api.metric("jvm_memory_committed_bytes{area=\"heap\"") / 1e6,
          api.metric("jvm_memory_used_bytes{area=\"nonheap\"") / 1e6,
          BenchReport.openFiles(pid), metric("jvm_threads_live_threads"), metric("visionroi_http_connections "),
          metric("vertx_http_server_active_connections"), metric("visionroi_camera_viewers"),
          metric("vertx_eventbus_handlers"), tilesMoving);
    }
  }

  private static String report(int seconds, int cameras, Counts counts, long connections, Sample before, Sample after,
      int exit) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "## Soak%n%n`scripts/bench-soak.sh %d` on %tF, %s. "
        + "The packaged jar under the systemd unit's `-Xms32m -Xmx256m`, %d cameras (%d RTSP H.264 320x240@10 from "
        + "GStreamer, sent as MP4; %d HTTP MJPEG, copied; %d test patterns, encoded). For %d s after %d s of warm-up: "
        + "the viewer page in Chromium (760x560, two tiles a row) scrolled to a random place every 2 s (%d times: "
        + "tiles out of sight let go of their stream, and take it again), reloaded every %d s (%d), one camera shown "
        + "alone and back every %d s (%d); a camera frozen for %d s every %d s (%d: its viewers sent away, the page "
        + "reconnecting); %d clients joining (WebSocket JPEG and MP4 viewers, MJPEG streams) and leaving after 0–3 s "
        + "by a close frame, a TCP close or a reset. **%d connections** in all (the service's "
        + "`visionroi_http_connections_opened_total`). Measured in the same quiet state before and after (no other "
        + "client, every camera live, the page at the top, a full GC): %n%n",
        seconds, System.currentTimeMillis(), BenchReport.machine(), cameras, CAMERAS_PER_KIND, CAMERAS_PER_KIND,
        CAMERAS_PER_KIND, seconds, WARM_UP_SECONDS, counts.scrolls, RELOAD_EVERY_SECONDS, counts.reloads,
        ALONE_EVERY_SECONDS, counts.alone, FREEZE_SECONDS, FREEZE_EVERY_SECONDS, counts.freezes, counts.clients,
        connections));
    md.append("| | RSS | heap after GC | heap committed | non-heap (code, classes) | open files | threads | open connections (cap's / Vert.x's) | viewers | "
        + "event-bus handlers | tiles in sight live and moving |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Object[] row : List.of(new Object[] {"start", before}, new Object[] {"end", after})) {
      Sample s = (Sample) row[1];
      md.append(String.format(Locale.ROOT, "| %s | %d MB | %.1f MB | %.0f MB | %.1f MB | %d | %d | %d / %d | %d | %d | %d |%n",
          row[0], s.rssMb(), s.heapAfterGcMb(), s.heapCommittedMb(), s.nonHeapMb(), s.openFiles(), s.threads(), s.connections(), s.vertxConnections(), s.viewers(),
          s.busHandlers(), s.tilesMoving()));
    }
    md.append(String.format(Locale.ROOT, "| change | %+.1f %% | %+.1f MB | %+.0f MB | %+.1f MB | %+d | %+d | %+d / %+d | %+d | %+d | %+d |%n%n",
        (after.rssMb() - before.rssMb()) * 100.0 / before.rssMb(), after.heapAfterGcMb() - before.heapAfterGcMb(),
        after.heapCommittedMb() - before.heapCommittedMb(), after.nonHeapMb() - before.nonHeapMb(),
        after.openFiles() - before.openFiles(), after.threads() - before.threads(),
        after.connections() - before.connections(), after.vertxConnections() - before.vertxConnections(),
        after.viewers() - before.viewers(), after.busHandlers() - before.busHandlers(),
        after.tilesMoving() - before.tilesMoving()));
    md.append(String.format(Locale.ROOT, "Targets: RSS within 5 %%, heap after GC within 2 MB, open files, threads, "
        + "connections, viewers and handlers as at the start. SIGTERM at the end: exit %d.%n", exit));
    return md.toString();
  }

  private static void progress(String format, Object... args) {
    long now = System.currentTimeMillis();
    System.out.println(String.format(Locale.ROOT, "%tT.%tL ", now, now) + String.format(Locale.ROOT, format, args));
  }
}
