package io.visionroi.app;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraSet;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.bus.LocalCodec;
import io.visionroi.bus.VideoBudget;
import io.visionroi.camera.CameraVerticle;
import io.visionroi.cluster.CameraRunner;
import io.visionroi.cluster.Placement;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.ConfigDiff;
import io.visionroi.config.ConfigException;
import io.visionroi.config.ServiceConfig;
import io.visionroi.http.HttpVerticle;
import io.visionroi.watchdog.WatchdogVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Deploys the service's verticles on a Vert.x instance (the HTTP side, the watchdog, one worker per camera
 * this node runs) and applies reloaded configs: only added, removed and changed cameras are touched. Which
 * cameras run here is the {@link Placement}'s call (all of them, or this node's share of a cluster). Used by
 * {@link Main} and by the tests, so both run the same wiring.
 */
public final class Service implements CameraRunner {

  private static final Logger LOG = LoggerFactory.getLogger(Service.class);

  private final Vertx vertx;
  /**
   * Where every change happens (deploying, the placement's rounds, reloads), one at a time: callers come
   * from the main thread, the config watcher's timer and the shutdown hook.
   */
  private final Context context;
  private final HttpVerticle http;
  private final Placement placement;
  /** Camera id to the deployment of its worker, for the cameras running here. */
  private final Map<String, String> running = new LinkedHashMap<>();
  /** Of those, the ones running silent (taking over from another node). */
  private final Set<String> silent = new HashSet<>();
  /** Deployments and undeployments, one change at a time, in order. */
  private Future<Void> changes = Future.succeededFuture();
  private ServiceConfig config;

  private Service(Vertx vertx, ServiceConfig config, HttpVerticle http, Placement placement) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.http = http;
    this.placement = placement;
  }

  /** The Vert.x options of every node: Micrometer metrics (Prometheus registry, JVM metrics), as /metrics serves them. */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // A made-up HTTP method gets no series of its own: strangers could grow /metrics without end.
        .addLabelMatch(new Match().setDomain(MetricsDomain.HTTP_SERVER).setLabel("method").setType(MatchType.REGEX)
            .setValue("(?!(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH)$).*").setAlias("OTHER"))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  public static Vertx newVertx() {
    return Vertx.vertx(vertxOptions());
  }

  /** @param nodeName the node's name in camera statuses, given the HTTP port it listens on */
  public static Future<Service> deploy(Vertx vertx, ServiceConfig config, Placement placement,
      IntFunction<String> nodeName) {
    DroppedTasks.install();
    vertx.eventBus().registerDefaultCodec(Frame.class, new FrameCodec());
    vertx.eventBus().registerDefaultCodec(CameraSet.class, new LocalCodec<>(CameraSet.class));
    MeterRegistry registry = Optional.ofNullable(BackendRegistries.getDefaultNow())
        .orElseGet(SimpleMeterRegistry::new);
    VideoBudget budget = VideoBudget.of(vertx);
    Gauge.builder("visionroi.video.budget.bytes", budget, VideoBudget::totalBytes)
        .description("what the node may keep of video for viewers to come (a share of the heap)").register(registry);
    Gauge.builder("visionroi.video.kept.bytes", budget, VideoBudget::usedBytes)
        .description("video kept for viewers to come: groups of pictures for new MP4 viewers").register(registry);
    // HTTP first: a port already in use stops the start before any ffmpeg runs.
    Service service = new Service(vertx, config, new HttpVerticle(config, registry), placement);
    return service.onContext(() -> vertx.deployVerticle(service.http)
        .compose(v -> vertx.deployVerticle(new WatchdogVerticle(config.stream(),
            nodeName.apply(service.httpPort()), registry)))
        .compose(v -> placement.start(service, enabled(config)))
        .map(v -> service));
  }

  public int httpPort() {
    return http.port();
  }

  /** For a stop, before this node's ffmpeg are killed: other nodes take its cameras over, make-before-break. */
  public Future<Void> handOverCameras() {
    return placement.handOverAll();
  }

  /** For a stop, after this node's ffmpeg are killed: other nodes may take its cameras now. */
  public Future<Void> releaseCameras() {
    return placement.releaseAll();
  }

  /**
   * Applies a reloaded config: removed and changed cameras' workers go (their ffmpeg with them), and the
   * placement decides again where the added and changed ones run; a renamed camera's supervisor takes the new
   * name where it runs; the others keep running untouched.
   * Settings that need a restart are logged.
   */
  public Future<Void> apply(ServiceConfig next) {
    return onContext(() -> applyHere(next));
  }

  private Future<Void> applyHere(ServiceConfig next) {
    ConfigDiff diff = ConfigDiff.between(config, next);
    if (!diff.needRestart().isEmpty()) {
      LOG.warn("config reloaded: {} changed, which takes effect only after a restart", diff.needRestart());
    }
    // Cameras run with the settings the service started with; only the camera list follows the file.
    config = new ServiceConfig(config.httpHost(), config.httpPort(), config.rtspPort(), config.auth(), config.tls(), config.access(),
        config.stream(),
        config.ffmpegPath(), next.cameras());
    reportConfig(null);
    if (!diff.camerasChanged()) {
      return Future.succeededFuture();
    }
    LOG.info("config reloaded: cameras added {}, removed {}, changed {}, renamed {}", ids(diff.added()),
        ids(diff.removed()), ids(diff.changed()), ids(diff.renamed()));
    Set<String> stale = Stream.concat(diff.removed().stream(), diff.changed().stream())
        .map(CameraConfig::id).collect(Collectors.toSet());
    vertx.eventBus().publish(Addresses.CAMERAS, new CameraSet(config.cameras()), Addresses.localOnly());
    return inTurn(() -> diff.renamed().isEmpty() ? stopWorkers(stale) : stopWorkers(stale).compose(v -> reportRunning()))
        .onSuccess(v -> placement.follow(enabled(config)))
        .onFailure(e -> LOG.error("config reload: {}", e.getMessage()));
  }

  /** A reload was refused: the running config stays, and health shows why until a good file comes. */
  public void refuse(ConfigException problem) {
    LOG.error("config reload refused, still running the previous config: {}", problem.getMessage());
    reportConfig(problem.getMessage());
  }

  @Override
  public Future<Void> runOnly(Set<String> ids, Set<String> silentIds) {
    return onContext(() -> inTurn(() -> {
      Set<String> leaving = running.keySet().stream().filter(id -> !ids.contains(id) && !silentIds.contains(id))
          .collect(Collectors.toSet());
      List<CameraConfig> coming = enabled(config).stream()
          .filter(c -> (ids.contains(c.id()) || silentIds.contains(c.id())) && !running.containsKey(c.id())).toList();
      Set<String> speaking = silent.stream().filter(ids::contains).collect(Collectors.toSet());
      if (leaving.isEmpty() && coming.isEmpty() && speaking.isEmpty()) {
        return Future.succeededFuture();
      }
      return stopWorkers(leaving)
          .compose(v -> startWorkers(coming, silentIds))
          .compose(v -> speak(speaking))
          .eventually(this::reportRunning);
    }));
  }

  @Override
  public Future<Boolean> readyToSpeak(String id) {
    return onContext(() -> !silent.contains(id) ? Future.succeededFuture(false)
        : vertx.eventBus().<Boolean>request(Addresses.takeover(id), "ready", Addresses.localOnly())
            .map(answer -> answer.body()).recover(e -> Future.succeededFuture(false)));
  }

  /** Silent workers publish from now on; the watchdog hears of it with the next report of what runs here. */
  private Future<Void> speak(Set<String> ids) {
    silent.removeAll(ids);
    return Future.join(ids.stream()
            .map(id -> vertx.eventBus().request(Addresses.takeover(id), "speak", Addresses.localOnly()))
            .toList())
        .mapEmpty();
  }

  private <T> Future<T> onContext(Supplier<Future<T>> task) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> task.get().onComplete(done));
    return done.future();
  }

  private Future<Void> inTurn(Supplier<Future<Void>> change) {
    changes = changes.eventually(change::get);
    return changes;
  }

  private Future<Void> stopWorkers(Set<String> ids) {
    silent.removeAll(ids);
    return Future.join(ids.stream()
            .map(running::remove)
            .filter(Objects::nonNull)
            .map(vertx::undeploy)
            .toList())
        .mapEmpty();
  }

  private Future<Void> startWorkers(List<CameraConfig> cameras, Set<String> silentIds) {
    return Future.join(cameras.stream()
            .map(camera -> {
              boolean quiet = silentIds.contains(camera.id());
              return vertx.deployVerticle(new CameraVerticle(camera, config.ffmpegPath(), quiet), workerOf(camera))
                  .onSuccess(id -> {
                    running.put(camera.id(), id);
                    if (quiet) {
                      silent.add(camera.id());
                    }
                  });
            })
            .toList())
        .mapEmpty();
  }

  /**
   * Each camera's worker has a thread of its own: while one waits for a killed ffmpeg to be gone, the
   * others start and stop theirs. The pool goes with the camera's worker.
   */
  private static DeploymentOptions workerOf(CameraConfig camera) {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName("camera-" + camera.id()).setWorkerPoolSize(1);
  }

  /**
   * Tells the watchdog which cameras run here now; completes once it no longer answers for the others, so
   * that a camera given up after this is not still claimed by this node's addresses.
   */
  private Future<Void> reportRunning() {
    List<CameraConfig> here = config.cameras().stream().filter(c -> running.containsKey(c.id())).toList();
    return vertx.eventBus().request(Addresses.RUNNING, new CameraSet(here, silent), Addresses.localOnly())
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private void reportConfig(String error) {
    vertx.eventBus().publish(Addresses.CONFIG, new JsonObject().put("error", error), Addresses.localOnly());
  }

  private static List<CameraConfig> enabled(ServiceConfig config) {
    return config.cameras().stream().filter(CameraConfig::enabled).toList();
  }

  private static List<String> ids(List<CameraConfig> cameras) {
    return cameras.stream().map(CameraConfig::id).toList();
  }
}
