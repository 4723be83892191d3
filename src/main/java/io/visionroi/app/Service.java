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


/**
 * Deploys the service's verticles on a Vert.x instance: the HTTP side, one worker per camera, then the
 * watchdog that supervises them. Used by {@link Main} and by the tests, so both run the same wiring.
 */
public final class Service {

  private final HttpVerticle http;

  private Service(HttpVerticle http) {
    this.http = http;
  }

  public static Future<Service> deploy(Vertx vertx, ServiceConfig config, String node) {
    vertx.eventBus().registerDefaultCodec(Frame.class, new FrameCodec());
    DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    // HTTP first: a port already in use stops the start before any ffmpeg runs.
    HttpVerticle http = new HttpVerticle(config);
    return vertx.deployVerticle(http)
        .compose(v -> Future.all(config.cameras().stream()
            .map((CameraConfig camera) -> vertx.deployVerticle(new CameraVerticle(camera, config.ffmpegPath()), worker))
            .toList()))
        .compose(v -> vertx.deployVerticle(new WatchdogVerticle(config.cameras(), config.stream(), node)))
        .map(v -> new Service(http));
  }

  public int httpPort() {
    return http.port();
  }
}
