package io.visionroi.app;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraSet;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.bus.LocalCodec;
import io.visionroi.camera.CameraVerticle;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.ConfigDiff;
import io.visionroi.config.ConfigException;
import io.visionroi.config.ServiceConfig;
import io.visionroi.http.HttpVerticle;
import io.visionroi.watchdog.WatchdogVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Deploys the service's verticles on a Vert.x instance (the HTTP side, one worker per camera, the
 * watchdog) and applies reloaded configs: only added, removed and changed cameras are touched. Used by
 * {@link Main} and by the tests, so both run the same wiring.
 */
public final class Service {

  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  private static final DeploymentOptions WORKER = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);

  private final Vertx vertx;
  private final HttpVerticle http;
  private final Map<String, String> cameraDeployments = new HashMap<>();
  private ServiceConfig config;

  private Service(Vertx vertx, ServiceConfig config, HttpVerticle http) {
    this.vertx = vertx;
    this.config = config;
    this.http = http;
  }

  /** A Vert.x with Micrometer metrics (Prometheus registry, JVM metrics), as /metrics serves them. */
  public static Vertx newVertx() {
    return Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))));
  }

  public static Future<Service> deploy(Vertx vertx, ServiceConfig config, String node) {
    vertx.eventBus().registerDefaultCodec(Frame.class, new FrameCodec());
    vertx.eventBus().registerDefaultCodec(CameraSet.class, new LocalCodec<>(CameraSet.class));
    MeterRegistry registry = Optional.ofNullable(BackendRegistries.getDefaultNow())
        .orElseGet(SimpleMeterRegistry::new);
    // HTTP first: a port already in use stops the start before any ffmpeg runs.
    Service service = new Service(vertx, config, new HttpVerticle(config, registry));
    return vertx.deployVerticle(service.http)
        .compose(v -> vertx.deployVerticle(new WatchdogVerticle(config.stream(), node, registry)))
        .compose(v -> service.deployCameras(config.cameras()))
        .map(v -> service);
  }

  public int httpPort() {
    return http.port();
  }

  /**
   * Applies a reloaded config: removed and changed cameras' workers go (their ffmpeg with them), added
   * and changed ones start; the others keep running untouched. Settings that need a restart are logged.
   */
  public Future<Void> apply(ServiceConfig next) {
    ConfigDiff diff = ConfigDiff.between(config, next);
    if (!diff.needRestart().isEmpty()) {
      LOG.warn("config reloaded: {} changed, which takes effect only after a restart", diff.needRestart());
    }
    // Cameras run with the settings the service started with; only the camera list follows the file.
    config = new ServiceConfig(config.httpHost(), config.httpPort(), config.auth(), config.stream(),
        config.ffmpegPath(), next.cameras());
    reportConfig(null);
    if (!diff.camerasChanged()) {
      return Future.succeededFuture();
    }
    LOG.info("config reloaded: cameras added {}, removed {}, changed {}", ids(diff.added()), ids(diff.removed()),
        ids(diff.changed()));
    List<Future<Void>> stopping = Stream.concat(diff.removed().stream(), diff.changed().stream())
        .map(camera -> cameraDeployments.remove(camera.id()))
        .map(deployment -> deployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(deployment))
        .toList();
    return Future.join(stopping)
        .compose(v -> deployCameras(Stream.concat(diff.added().stream(), diff.changed().stream()).toList()))
        .onFailure(e -> LOG.error("config reload: {}", e.getMessage()));
  }

  /** A reload was refused: the running config stays, and health shows why until a good file comes. */
  public void refuse(ConfigException problem) {
    LOG.error("config reload refused, still running the previous config: {}", problem.getMessage());
    reportConfig(problem.getMessage());
  }

  /** Starts workers for these cameras (if enabled), then tells the watchdog and the HTTP side the whole list. */
  private Future<Void> deployCameras(List<CameraConfig> cameras) {
    List<Future<String>> deploying = cameras.stream()
        .filter(CameraConfig::enabled)
        .map(camera -> vertx.deployVerticle(new CameraVerticle(camera, config.ffmpegPath()), WORKER)
            .onSuccess(id -> cameraDeployments.put(camera.id(), id)))
        .toList();
    return Future.join(deploying)
        .eventually(() -> {
          vertx.eventBus().publish(Addresses.CAMERAS, new CameraSet(config.cameras()));
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private void reportConfig(String error) {
    vertx.eventBus().publish(Addresses.CONFIG, new JsonObject().put("error", error));
  }

  private static List<String> ids(List<CameraConfig> cameras) {
    return cameras.stream().map(CameraConfig::id).toList();
  }
}
