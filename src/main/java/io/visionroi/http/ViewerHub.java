package io.visionroi.http;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraState;
import io.visionroi.bus.Frame;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The viewers of this node, by camera. One frame subscription and one state subscription per watched
 * camera, made when its first viewer comes and removed when its last one leaves; each frame is fanned out
 * to the camera's viewers as the same immutable instance. An outage or failed status closes them all.
 */
final class ViewerHub {

  /** Viewer counts are repeated this often, so a camera's supervisor learns them after a move or a restart. */
  static final long COUNT_REPEAT_MILLIS = 2000;

  private final EventBus bus;
  private final MeterRegistry registry;
  /** Tells this hub's counts from other nodes' in the supervisor's tally. */
  private final String hubId = UUID.randomUUID().toString();
  private final Map<String, Audience> audiences = new HashMap<>();
  private final Map<String, ViewerMeters> meters = new HashMap<>();

  private static final class Audience {
    final Set<ViewerBridge> viewers = new LinkedHashSet<>();
    MessageConsumer<Frame> frames;
    MessageConsumer<JsonObject> states;
  }

  ViewerHub(Vertx vertx, MeterRegistry registry) {
    this.bus = vertx.eventBus();
    this.registry = registry;
    vertx.setPeriodic(COUNT_REPEAT_MILLIS, id -> audiences.forEach((camera, a) -> reportCount(camera, a.viewers.size())));
  }

  /** The camera's send counters, made with its first viewer on this node, kept for the node's life. */
  ViewerMeters meters(String cameraId) {
    return meters.computeIfAbsent(cameraId, id -> {
      Gauge.builder("visionroi.camera.viewers", this, hub -> hub.viewerCount(id))
          .description("viewers on this node").tag("camera", id).register(registry);
      return ViewerMeters.register(registry, id);
    });
  }

  /** Viewers of all cameras on this node. */
  int viewerCount() {
    return audiences.values().stream().mapToInt(a -> a.viewers.size()).sum();
  }

  private int viewerCount(String cameraId) {
    Audience audience = audiences.get(cameraId);
    return audience == null ? 0 : audience.viewers.size();
  }

  void join(String cameraId, ViewerBridge viewer) {
    Audience audience = audiences.computeIfAbsent(cameraId, id -> subscribe(id));
    audience.viewers.add(viewer);
    reportCount(cameraId, audience.viewers.size());
  }

  void leave(String cameraId, ViewerBridge viewer) {
    Audience audience = audiences.get(cameraId);
    if (audience == null || !audience.viewers.remove(viewer)) {
      return;
    }
    reportCount(cameraId, audience.viewers.size());
    if (audience.viewers.isEmpty()) {
      audiences.remove(cameraId);
      audience.frames.unregister();
      audience.states.unregister();
    }
  }

  private void reportCount(String cameraId, int viewers) {
    bus.publish(Addresses.viewers(cameraId), new JsonObject().put("node", hubId).put("viewers", viewers));
  }

  /** Closes every viewer of every camera, for a stop. */
  Future<Void> closeAll(short code, String reason) {
    List<Future<Void>> closing = new ArrayList<>();
    for (String cameraId : List.copyOf(audiences.keySet())) {
      closing.add(closeViewersOf(cameraId, code, reason));
    }
    return Future.join(closing).mapEmpty();
  }

  /** Closes every viewer of one camera (it was removed, or the service stops). */
  Future<Void> closeViewersOf(String cameraId, short code, String reason) {
    Audience audience = audiences.get(cameraId);
    if (audience == null) {
      return Future.succeededFuture();
    }
    // Copy: a close makes the viewer leave, which changes the set.
    return Future.join(List.copyOf(audience.viewers).stream().map(v -> v.close(code, reason)).toList()).mapEmpty();
  }

  private Audience subscribe(String cameraId) {
    Audience audience = new Audience();
    audience.frames = bus.consumer(Addresses.frames(cameraId), m -> {
      for (ViewerBridge viewer : audience.viewers) {
        viewer.offer(m.body());
      }
    });
    audience.states = bus.consumer(Addresses.state(cameraId), m -> onStatus(audience, m.body()));
    return audience;
  }

  private void onStatus(Audience audience, JsonObject status) {
    CameraState state = CameraState.fromWireName(status.getString("state"));
    // Copy: a close makes the viewer leave, which changes the set.
    for (ViewerBridge viewer : List.copyOf(audience.viewers)) {
      viewer.sendStatus(status);
      if (state.sendsViewersAway()) {
        viewer.close(CloseCodes.TRY_AGAIN_LATER, state == CameraState.OUTAGE ? "camera outage" : "camera failed");
      }
    }
  }
}
