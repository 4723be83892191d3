package io.visionroi.http;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraState;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.bus.FramesWaiting;
import io.visionroi.bus.GopCache;
import io.visionroi.bus.VideoBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Stream;

/**
 * The viewers of this node, by camera. One subscription per format a camera's viewers here watch, and one to
 * its state, made with the first such viewer and removed with the last; each frame is fanned out to the
 * viewers as the same immutable instance, so frames cross nodes once per node with viewers. For MP4 viewers
 * the hub keeps the camera's current group ({@link GopCache}), asked from the camera's worker with the first
 * one, so that every new viewer starts with a picture. An outage or failed status closes every viewer.
 */
final class ViewerHub {

  /** Viewer counts are repeated this often, so a camera's supervisor learns them after a move or a restart. */
  static final long COUNT_REPEAT_MILLIS = 2000;
  private static final DeliveryOptions GROUP_ASK = new DeliveryOptions().setSendTimeout(2000);

  private static final FrameCodec FRAMES = new FrameCodec();

  private final Vertx vertx;
  private final EventBus bus;
  private final MeterRegistry registry;
  private final VideoBudget budget;
  /** Tells this hub's counts from other nodes' in the supervisor's tally. */
  private final String hubId = UUID.randomUUID().toString();
  private final Map<String, Audience> audiences = new HashMap<>();
  private final Map<String, ViewerMeters> meters = new HashMap<>();

  /**
   * One camera's viewers on this node. The sets are copy-on-write: a viewer closed while a frame is fanned
   * out (too slow, or its client gone) leaves during the loop, and the others must still get that frame;
   * joins and leaves are rare next to frames.
   */
  private static final class Audience {
    final Set<JpegViewer> jpeg = new CopyOnWriteArraySet<>();
    final Set<Mp4Viewer> mp4 = new CopyOnWriteArraySet<>();
    MessageConsumer<JsonObject> states;
    MessageConsumer<Frame> jpegFrames;
    MessageConsumer<Frame> mp4Frames;
    final GopCache group;
    /** False until the worker answered for the group; frames that came meanwhile wait here (bounded). */
    boolean groupReady;
    /**
     * The MP4 subscription whose group request is on its way, or null. A request made for viewers who left
     * since does not stand for those who came after them: they ask again.
     */
    MessageConsumer<Frame> groupAskedFor;
    final List<Frame> heldBack = new ArrayList<>();

    Audience(VideoBudget budget) {
      group = new GopCache(budget);
    }

    int size() {
      return jpeg.size() + mp4.size();
    }

    Stream<ViewerBridge> all() {
      return Stream.concat(jpeg.stream(), mp4.stream());
    }
  }

  ViewerHub(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.registry = registry;
    this.budget = VideoBudget.of(vertx);
    vertx.setPeriodic(COUNT_REPEAT_MILLIS, id -> audiences.forEach(this::reportCount));
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
    return audiences.values().stream().mapToInt(Audience::size).sum();
  }

  private int viewerCount(String cameraId) {
    Audience audience = audiences.get(cameraId);
    return audience == null ? 0 : audience.size();
  }

  void join(String cameraId, ViewerBridge viewer) {
    Audience audience = audiences.computeIfAbsent(cameraId, id -> {
      Audience created = new Audience(budget);
      created.states = bus.consumer(Addresses.state(id), m -> onStatus(created, m.body()));
      return created;
    });
    if (viewer instanceof Mp4Viewer mp4) {
      audience.mp4.add(mp4);
      if (audience.mp4Frames == null) {
        audience.mp4Frames = frames(Addresses.mp4(cameraId), cameraId, frame -> onMp4(cameraId, audience, frame));
        audience.mp4Frames.completion().onComplete(registered -> askGroup(cameraId, audience));
      } else if (audience.groupReady) {
        mp4.replay(audience.group.replay());
      }
    } else {
      audience.jpeg.add((JpegViewer) viewer);
      if (audience.jpegFrames == null) {
        audience.jpegFrames = frames(Addresses.frames(cameraId), cameraId, frame -> audience.jpeg.forEach(v -> v.offer(frame)));
      }
    }
    reportCount(cameraId, audience);
  }

  void leave(String cameraId, ViewerBridge viewer) {
    Audience audience = audiences.get(cameraId);
    if (audience == null || !(audience.jpeg.remove(viewer) || audience.mp4.remove(viewer))) {
      return;
    }
    reportCount(cameraId, audience);
    if (audience.jpeg.isEmpty() && audience.jpegFrames != null) {
      audience.jpegFrames.unregister();
      audience.jpegFrames = null;
    }
    if (audience.mp4.isEmpty() && audience.mp4Frames != null) {
      audience.mp4Frames.unregister();
      audience.mp4Frames = null;
      audience.group.clear();
      audience.groupReady = false;
      audience.heldBack.clear();
    }
    if (audience.size() == 0) {
      audiences.remove(cameraId);
      audience.states.unregister();
    }
  }

  /**
   * A subscription to a camera's frames that this node's worker of the camera holds back while too many wait
   * for this thread ({@link FramesWaiting}); gone with the subscription.
   */
  private MessageConsumer<Frame> frames(String address, String cameraId, Handler<Frame> handler) {
    FramesWaiting waiting = FramesWaiting.watch(vertx, address, meters(cameraId).dropped()::increment);
    MessageConsumer<Frame> consumer = bus.consumer(address, m -> {
      waiting.taken();
      handler.handle(m.body());
    });
    consumer.endHandler(end -> waiting.unwatch(vertx, address));
    return consumer;
  }

  private void onMp4(String cameraId, Audience audience, Frame frame) {
    if (!audience.groupReady) {
      if (audience.heldBack.size() < GopCache.MAX_FRAMES) {
        audience.heldBack.add(frame);
      }
      return;
    }
    audience.group.add(frame);
    // A keyframe of a generation whose init segment this node missed: the worker has it.
    if (frame.kind() == Frame.Kind.MP4_KEY && !audience.group.hasInitOf(frame)) {
      askGroup(cameraId, audience);
    }
    audience.mp4.forEach(v -> v.offer(frame));
  }

  /** Asks the camera's worker for the init segment and current group; the viewers waiting start with them. */
  private void askGroup(String cameraId, Audience audience) {
    MessageConsumer<Frame> asking = audience.mp4Frames;
    if (asking == null || audience.groupAskedFor == asking) {
      return;
    }
    audience.groupAskedFor = asking;
    bus.<Buffer>request(Addresses.gop(cameraId), "group", GROUP_ASK).onComplete(answer -> {
      if (audience.groupAskedFor == asking) {
        audience.groupAskedFor = null;
      }
      if (audience.mp4Frames != asking) {
        return; // the MP4 viewers left meanwhile
      }
      List<Frame> replay = List.of();
      if (answer.succeeded()) {
        try {
          replay = FRAMES.decodeAll(answer.result().body());
        } catch (RuntimeException malformed) {
          // as if nothing came: the next keyframe asks again
        }
      }
      audience.group.restartFrom(replay, audience.heldBack);
      audience.heldBack.clear();
      audience.groupReady = true;
      List<Frame> start = audience.group.replay();
      audience.mp4.forEach(v -> v.replay(start));
    });
  }

  private void reportCount(String cameraId, Audience audience) {
    bus.publish(Addresses.viewers(cameraId), new JsonObject().put("node", hubId).put("viewers", audience.size())
        .put("jpegViewers", audience.jpeg.size()));
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
    return Future.join(audience.all().toList().stream().map(v -> v.close(code, reason)).toList()).mapEmpty();
  }

  private void onStatus(Audience audience, JsonObject status) {
    CameraState state = CameraState.fromWireName(status.getString("state"));
    // Copy: a close makes the viewer leave, which changes the set.
    for (ViewerBridge viewer : audience.all().toList()) {
      viewer.sendStatus(status);
      if (state.sendsViewersAway()) {
        viewer.close(CloseCodes.TRY_AGAIN_LATER, state == CameraState.OUTAGE ? "camera outage" : "camera failed");
      }
    }
  }
}
