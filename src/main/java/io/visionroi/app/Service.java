package io.visionroi.app;

import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.camera.CameraVerticle;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.ServiceConfig;
import io.visionroi.http.HttpVerticle;
import io.visionroi.watchdog.WatchdogVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Deploys the service's verticles on a Vert.x instance: one worker per camera, then the watchdog that
 * supervises them, then the HTTP side. Used by {@link Main} and by the tests, so both run the same wiring.
 */
public final class Service {

  private final HttpVerticle http;

  private Service(HttpVerticle http) {
    this.http = http;
  }

  public static Future<Service> deploy(Vertx vertx, ServiceConfig config, String node) {
    vertx.eventBus().registerDefaultCodec(Frame.class, new FrameCodec());
    DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    List<Future<String>> cameras = config.cameras().stream()
        .map((CameraConfig camera) -> vertx.deployVerticle(new CameraVerticle(camera, config.ffmpegPath()), worker))
        .toList();
    HttpVerticle http = new HttpVerticle(config);
    return Future.all(cameras)
        .compose(v -> vertx.deployVerticle(new WatchdogVerticle(config.cameras(), config.stream(), node)))
        .compose(v -> vertx.deployVerticle(http))
        .map(v -> new Service(http));
  }

  public int httpPort() {
    return http.port();
  }
}
