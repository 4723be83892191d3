package io.visionroi.watchdog;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraSet;
import io.visionroi.bus.CameraState;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.StreamFormat;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.StreamSettings;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Supervises the cameras of this node: a periodic timer reads each camera's {@link FrameClock} and checks it
 * ({@link CameraMonitor}), orders its worker to kill and replace ffmpeg, and publishes the state that makes
 * viewers close on outage. It also answers {@code status} and {@code restart} on each camera's control
 * address. One log line per state change per camera.
 */
public class WatchdogVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(WatchdogVerticle.class);
  static final long TICK_MILLIS = 200;
  /** A gap between ticks this long means the watchdog did not look (a frozen process), not that cameras were silent. */
  static final long STALL_MILLIS = 1000;

  private final StreamSettings stream;
  private final String node;
  private final MeterRegistry registry;
  private final Map<String, Supervised> cameras = new LinkedHashMap<>();
  /**
   * Cameras that run here silent, taking over from another node that still answers for them: supervised, but
   * neither their status nor their control requests are this node's to answer yet.
   */
  private final Set<String> silent = new HashSet<>();
  private EventBus bus;

  /**
   * A supervised camera: its state machine, the clock its worker counts pictures on, its viewers on all nodes,
   * its event-bus subscriptions and its metrics.
   */
  private record Supervised(CameraMonitor monitor, FrameClock clock, ViewerTally viewers,
      List<MessageConsumer<?>> consumers, CameraMeters meters) {

    /** Completes once its addresses are unregistered (cluster-wide: other nodes stop asking this one). */
    Future<Void> end(Vertx vertx) {
      meters.remove();
      clock.retire(vertx, monitor.camera().id());
      return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
    }
  }

  public WatchdogVerticle(StreamSettings stream, String node, MeterRegistry registry) {
    this.stream = stream;
    this.node = node;
    this.registry = registry;
  }

  @Override
  public void start() {
    bus = vertx.eventBus();
    bus.<CameraSet>localConsumer(Addresses.RUNNING, m -> follow(m.body()).onComplete(done -> m.reply(null)));
    long[] lastTickAt = {System.nanoTime()};
    vertx.setPeriodic(TICK_MILLIS, id -> {
      long tickAt = System.currentTimeMillis();
      long gapMillis = (System.nanoTime() - lastTickAt[0]) / 1_000_000;
      lastTickAt[0] = System.nanoTime();
      if (gapMillis >= STALL_MILLIS) {
        LOG.warn("watchdog: no check for {} ms (this process was stalled): cameras get a full outage grace again",
            gapMillis);
        cameras.values().forEach(c -> c.monitor().resumeAfterStall(tickAt));
      }
      cameras.values().forEach(c -> {
        countViewers(c, tickAt, () -> c.viewers().expire(tickAt));
        apply(c.monitor(), c.monitor().onPictures(tickAt, c.clock().read()));
        apply(c.monitor(), c.monitor().tick(tickAt));
      });
    });
  }

  /**
   * Supervises exactly the cameras of the set: a camera whose settings changed starts over, a renamed one
   * keeps its state and says its new name. Completes once the cameras that left are no longer answered for here.
   */
  private Future<Void> follow(CameraSet set) {
    Map<String, CameraConfig> wanted = new LinkedHashMap<>();
    set.cameras().stream().filter(CameraConfig::enabled).forEach(c -> wanted.put(c.id(), c));
    List<Future<Void>> ended = new ArrayList<>();
    for (String id : List.copyOf(cameras.keySet())) {
      CameraMonitor monitor = cameras.get(id).monitor();
      if (monitor.camera().differsOnlyInName(wanted.get(id))) {
        apply(monitor, monitor.rename(wanted.get(id)));
      } else if (!monitor.camera().equals(wanted.get(id))) {
        ended.add(cameras.remove(id).end(vertx));
      }
    }
    silent.retainAll(wanted.keySet());
    long now = System.currentTimeMillis();
    wanted.values().stream().filter(c -> cameras.containsKey(c.id()) && silent.contains(c.id())
        && !set.silent().contains(c.id())).forEach(camera -> speak(cameras.get(camera.id())));
    wanted.values().stream().filter(c -> !cameras.containsKey(c.id())).forEach(camera -> {
      CameraMonitor monitor = new CameraMonitor(camera, stream, now);
      ViewerTally viewers = new ViewerTally();
      FrameClock clock = FrameClock.register(vertx, camera.id());
      Supervised supervised = new Supervised(monitor, clock, viewers, new ArrayList<>(),
          new CameraMeters(registry, monitor));
      cameras.put(camera.id(), supervised);
      supervised.consumers().addAll(List.of(
          bus.<JsonObject>localConsumer(Addresses.ffmpegEvents(camera.id()),
              m -> onFfmpegEvent(monitor, clock, FfmpegEvent.fromJson(m.body()))),
          bus.<JsonObject>consumer(Addresses.viewers(camera.id()), m -> {
            long at = System.currentTimeMillis();
            countViewers(supervised, at, () -> viewers.report(m.body().getString("node"),
                m.body().getInteger("viewers"), m.body().getInteger("jpegViewers", 0), at));
            if (viewers.jpegTotal() > 0) {
              bus.send(Addresses.jpegWanted(camera.id()), null, Addresses.localOnly());
            }
          })));
      if (set.silent().contains(camera.id())) {
        silent.add(camera.id());
      } else {
        answerControl(supervised);
      }
      apply(monitor, monitor.begin(now));
    });
    return Future.join(ended).mapEmpty();
  }

  /** This node answers for the camera from now on: its control requests, and its status to its viewers. */
  private void answerControl(Supervised camera) {
    CameraMonitor monitor = camera.monitor();
    camera.consumers().add(bus.<String>consumer(Addresses.control(monitor.camera().id()), m -> onControl(monitor, m)));
  }

  /** A camera that ran silent speaks: its worker publishes, and its viewers hear its status at once. */
  private void speak(Supervised camera) {
    silent.remove(camera.monitor().camera().id());
    answerControl(camera);
    apply(camera.monitor(), CameraMonitor.Decision.ANNOUNCE);
  }

  /**
   * Applies a change to the camera's viewer tally ({@code update} returns the new total). An on-demand camera
   * starts with its first viewer on any node and stops after the last one leaves.
   */
  private void countViewers(Supervised camera, long now, IntSupplier update) {
    int before = camera.viewers().total();
    int after = update.getAsInt();
    if (after != before) {
      apply(camera.monitor(), camera.monitor().onViewers(now, after));
    }
  }

  private void onFfmpegEvent(CameraMonitor monitor, FrameClock clock, FfmpegEvent event) {
    long now = System.currentTimeMillis();
    CameraMonitor.Decision decision = switch (event.kind()) {
      case STARTED -> monitor.onStarted(event.generation(), event.pid(), StreamFormat.fromWireName(event.detail()));
      case PICTURE -> monitor.onPictures(now, clock.read());
      case MEDIA -> monitor.onMedia(event.generation(), event.detail());
      case SOURCE -> monitor.onSource(now, event.generation(), event.detail(), false);
      case OUTDATED -> monitor.onSource(now, event.generation(), event.detail(), true);
      case EXITED -> monitor.onExited(now, event.generation(), event.detail());
      case SPAWN_FAILED, UNSUITABLE -> monitor.onCannotRun(now, event.generation(), event.detail());
      case REPLAY -> monitor.onReplay(event.detail());
    };
    apply(monitor, decision);
    // ffmpeg's own last words, once per failure (not per retry), bounded.
    if (decision.transition() != null && decision.transition().to() == CameraState.FAILED
        && event.stderrTail().size() > 1) {
      LOG.warn("camera {}: ffmpeg's last lines:\n  {}", monitor.camera().id(), String.join("\n  ", event.stderrTail()));
    }
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
    if (decision.order() != null) {
      bus.send(Addresses.ffmpeg(camera.id()), decision.order().toJson(), Addresses.localOnly());
    }
    if (decision.announce() && !silent.contains(camera.id())) {
      bus.publish(Addresses.state(camera.id()), monitor.status(System.currentTimeMillis(), node).toJson());
    }
  }
}
