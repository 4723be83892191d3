package io.visionroi.http;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraStatus;
import io.visionroi.bus.Frame;
import io.visionroi.config.CameraConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured cameras as the HTTP side sees them: asks each camera's supervisor and worker over the
 * event bus, wherever they run. A camera that nobody runs is reported {@code stopped}.
 */
final class CameraDirectory {

  /**
   * A camera that has just moved to another node may, for a moment, still be routed to the node it left,
   * where the message is dropped rather than refused: such a question is asked once more, after a short
   * wait, and then reaches the camera's new node.
   */
  private static final DeliveryOptions FIRST_ASK = new DeliveryOptions().setSendTimeout(500);
  private static final DeliveryOptions SECOND_ASK = new DeliveryOptions().setSendTimeout(1500);

  private final EventBus bus;
  private final Map<String, CameraConfig> cameras = new LinkedHashMap<>();
  /** Why this node cannot know where cameras run (cut off from its cluster, or rejoining it), or null. */
  private String rejoining;

  CameraDirectory(EventBus bus) {
    this.bus = bus;
  }

  /** Follows a reload: from now on these are the cameras. */
  void replace(List<CameraConfig> next) {
    cameras.clear();
    next.forEach(c -> cameras.put(c.id(), c));
  }

  /** The node's cluster state changed: {@code why} it cannot know where cameras run, or null once it can. */
  void rejoining(String why) {
    rejoining = why;
  }

  List<String> ids() {
    return List.copyOf(cameras.keySet());
  }

  Optional<CameraConfig> find(String id) {
    return Optional.ofNullable(cameras.get(id));
  }

  Future<List<JsonObject>> statuses() {
    List<Future<JsonObject>> all = cameras.keySet().stream().map(this::status).toList();
    return Future.all(all).map(done -> all.stream().map(Future::result).toList());
  }

  /**
   * Never fails: a camera whose supervisor does not answer is reported stopped (as configured when asked: a
   * reload may remove it before the answer), or {@code unknown} while this node is rejoining its cluster (the
   * camera may well run elsewhere).
   */
  Future<JsonObject> status(String id) {
    CameraConfig camera = cameras.get(id);
    return this.<JsonObject>ask(Addresses.control(id), "status")
        .recover(e -> Future.succeededFuture(rejoining != null && camera.enabled()
            ? CameraStatus.unknown(camera, rejoining).toJson() : notRunning(camera, e)));
  }

  Future<JsonObject> restart(String id) {
    return ask(Addresses.control(id), "restart");
  }

  Future<Frame> latestFrame(String id) {
    return ask(Addresses.snapshot(id), "latest");
  }

  private <T> Future<T> ask(String address, String question) {
    return bus.<T>request(address, question, FIRST_ASK)
        .recover(e -> e instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT
            ? bus.request(address, question, SECOND_ASK) : Future.failedFuture(e))
        .map(reply -> reply.body());
  }

  private static JsonObject notRunning(CameraConfig camera, Throwable why) {
    String reason = !camera.enabled() ? "disabled in the config"
        : why instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
        ? "not running on any node" : "no answer: " + why.getMessage();
    return CameraStatus.notRunning(camera, reason).toJson();
  }
}
