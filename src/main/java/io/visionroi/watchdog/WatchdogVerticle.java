package io.visionroi.watchdog;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.Frame;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.StreamSettings;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Supervises the cameras of this node: a periodic timer checks each camera's last-frame clock
 * ({@link CameraMonitor}), orders its worker to kill and replace ffmpeg, and publishes the state that makes
 * viewers close on outage. It also answers {@code status} and {@code restart} on each camera's control
 * address. One log line per state change per camera.
 */
public class WatchdogVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(WatchdogVerticle.class);
  static final long TICK_MILLIS = 200;

  private final List<CameraConfig> cameras;
  private final StreamSettings stream;
  private final String node;
  private final List<CameraMonitor> monitors = new ArrayList<>();
  private EventBus bus;

  public WatchdogVerticle(List<CameraConfig> cameras, StreamSettings stream, String node) {
    this.cameras = List.copyOf(cameras);
    this.stream = stream;
    this.node = node;
  }

  @Override
  public void start() {
    bus = vertx.eventBus();
    long now = System.currentTimeMillis();
    for (CameraConfig camera : cameras) {
      CameraMonitor monitor = new CameraMonitor(camera, stream, now);
      monitors.add(monitor);
      bus.<Frame>localConsumer(Addresses.frames(camera.id()),
          m -> apply(monitor, monitor.onFrame(System.currentTimeMillis(), m.body().generation())));
      bus.<JsonObject>localConsumer(Addresses.ffmpegEvents(camera.id()),
          m -> onFfmpegEvent(monitor, FfmpegEvent.fromJson(m.body())));
      bus.<String>consumer(Addresses.control(camera.id()), m -> onControl(monitor, m));
      apply(monitor, monitor.begin(now));
    }
    vertx.setPeriodic(TICK_MILLIS, id -> {
      long tickAt = System.currentTimeMillis();
      monitors.forEach(monitor -> apply(monitor, monitor.tick(tickAt)));
    });
  }

  private void onFfmpegEvent(CameraMonitor monitor, FfmpegEvent event) {
    long now = System.currentTimeMillis();
    CameraMonitor.Decision decision = switch (event.kind()) {
      case STARTED -> monitor.onStarted(event.generation(), event.pid());
      case EXITED -> monitor.onExited(now, event.generation(), event.error());
      case SPAWN_FAILED -> monitor.onSpawnFailed(now, event.error());
    };
    apply(monitor, decision);
  }

  private void onControl(CameraMonitor monitor, Message<String> request) {
    long now = System.currentTimeMillis();
    switch (request.body()) {
      case "status" -> request.reply(monitor.status(now, node).toJson());
      case "restart" -> {
        LOG.info("camera {}: restart requested", monitor.camera().id());
        apply(monitor, monitor.restartNow(now));
        request.reply(monitor.status(now, node).toJson());
      }
      default -> request.fail(400, "unknown control action '" + request.body() + "'");
    }
  }

  private void apply(CameraMonitor monitor, CameraMonitor.Decision decision) {
    CameraConfig camera = monitor.camera();
    if (decision.transition() != null) {
      CameraMonitor.Transition t = decision.transition();
      if (t.reason() == null) {
        LOG.info("camera {}: {} -> {}", camera.id(), t.from().wireName(), t.to().wireName());
      } else {
        LOG.info("camera {}: {} -> {}: {}", camera.id(), t.from().wireName(), t.to().wireName(), t.reason());
      }
    }
    if (decision.action() != null) {
      bus.send(Addresses.ffmpeg(camera.id()), decision.action().name());
    }
    if (decision.announce()) {
      bus.publish(Addresses.state(camera.id()), monitor.status(System.currentTimeMillis(), node).toJson());
    }
  }
}
