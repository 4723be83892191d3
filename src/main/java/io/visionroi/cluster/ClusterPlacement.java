package io.visionroi.cluster;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraStatus;
import io.visionroi.config.CameraConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Each camera on exactly one node of the cluster. Claims live in the cluster-wide map
 * {@value #OWNERS} (camera id to node id), taken with put-if-absent, so two nodes never both win one.
 * Every {@value #ROUND_MILLIS} ms each node:
 * <ol>
 *   <li>drops the claims of nodes that left the cluster (one survivor wins each, and tells the camera's
 *       viewers it is stopped until another node has started it);</li>
 *   <li>works out its part with {@link OwnershipPlan};</li>
 *   <li>stops what it no longer holds or gives up, and only then gives it up (never two ffmpeg for a camera);</li>
 *   <li>claims its share of the unclaimed cameras and starts those it won.</li>
 * </ol>
 * A camera whose claim another node holds is stopped here at the next round, whatever happened before.
 */
public final class ClusterPlacement implements Placement {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterPlacement.class);
  static final String OWNERS = "visionroi.owners";
  static final long ROUND_MILLIS = 500;
  /** A camera unclaimed this long may be claimed by any node, whatever the plan says. */
  static final long OVERDUE_MILLIS = 3000;
  /** Membership stable this long before cameras move for balance. */
  static final long SETTLE_MILLIS = 3000;

  private final Vertx vertx;
  private final ClusterManager cluster;
  private CameraRunner runner;
  private AsyncMap<String, String> owners;
  private Map<String, CameraConfig> cameras = Map.of();
  private Set<String> held = Set.of();
  private Set<String> members = Set.of();
  private long membersSince;
  private final Map<String, Long> unclaimedSince = new HashMap<>();
  /** Nodes that said they are stopping: still members for a moment, but given no camera. */
  private final Set<String> leaving = new HashSet<>();
  private boolean inRound;
  /** Something changed during a round (a node gave cameras up): run another right after it. */
  private boolean roundAgain;
  private boolean released;
  private long timer = -1;
  /** Where rounds run; set at start. */
  private Context context;

  public ClusterPlacement(Vertx vertx, ClusterManager cluster) {
    this.vertx = vertx;
    this.cluster = cluster;
  }

  @Override
  public Future<Void> start(CameraRunner runner, List<CameraConfig> enabled) {
    this.runner = runner;
    this.context = vertx.getOrCreateContext();
    follow(enabled);
    return vertx.sharedData().<String, String>getClusterWideMap(OWNERS)
        .compose(map -> {
          owners = map;
          timer = vertx.setPeriodic(ROUND_MILLIS, id -> round());
          vertx.eventBus().<String>consumer(Addresses.PLACEMENT, m -> {
            if (m.body() != null) {
              leaving.add(m.body());
            }
            round();
          });
          return round();
        });
  }

  @Override
  public void follow(List<CameraConfig> enabled) {
    Map<String, CameraConfig> next = new LinkedHashMap<>();
    enabled.forEach(c -> next.put(c.id(), c));
    cameras = next;
  }

  @Override
  public Future<Void> releaseAll() {
    // Called from the shutdown hook's thread: the placement's state is its context's.
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> releaseHere().onComplete(done));
    return done.future();
  }

  private Future<Void> releaseHere() {
    released = true;
    vertx.cancelTimer(timer);
    if (owners == null) {
      return Future.succeededFuture();
    }
    List<String> handedOver = List.copyOf(held);
    // Stopped here first (ffmpeg is already gone, this ends its supervision), so that no node still asks
    // this one about them once another has them.
    return runner.runOnly(Set.of())
        .compose(v -> giveUp(handedOver, cluster.getNodeId(), cluster.getNodeId()))
        .onSuccess(v -> LOG.info("gave up cameras {}: other nodes take them over", handedOver));
  }

  private Future<Void> round() {
    if (released) {
      return Future.succeededFuture();
    }
    if (inRound) {
      roundAgain = true;
      return Future.succeededFuture();
    }
    inRound = true;
    roundAgain = false;
    String me = cluster.getNodeId();
    long now = System.currentTimeMillis();
    Set<String> live = new TreeSet<>(cluster.getNodes());
    leaving.retainAll(live);
    // A stopping node is still a member for a moment, but takes nothing.
    Set<String> candidates = new TreeSet<>(live);
    candidates.removeAll(leaving);
    if (!live.equals(members)) {
      members = live;
      membersSince = now;
    }
    return owners.entries()
        .compose(claims -> dropDeparted(claims, live))
        .compose(claims -> {
          OwnershipPlan plan = OwnershipPlan.of(List.copyOf(cameras.keySet()), candidates, claims, me,
              overdue(claims, now), now - membersSince >= SETTLE_MILLIS);
          return runner.runOnly(plan.keep())
              .compose(v -> giveUp(plan.release(), me, null))
              .compose(v -> claim(plan.claim(), me))
              .compose(won -> {
                Set<String> running = new LinkedHashSet<>(plan.keep());
                running.addAll(won);
                logChanges(running);
                held = running;
                return runner.runOnly(running);
              });
        })
        .onFailure(e -> LOG.warn("camera placement round failed (next round in {} ms): {}", ROUND_MILLIS,
            e.getMessage()))
        .eventually(() -> {
          inRound = false;
          return roundAgain ? round() : Future.succeededFuture();
        });
  }

  /** Claims of departed nodes are void: one survivor removes each, and the camera is free again. */
  private Future<Map<String, String>> dropDeparted(Map<String, String> claims, Set<String> live) {
    Map<String, String> valid = new HashMap<>(claims);
    List<Future<Boolean>> removals = claims.entrySet().stream()
        .filter(e -> !live.contains(e.getValue()))
        .map(e -> {
          valid.remove(e.getKey());
          return owners.removeIfPresent(e.getKey(), e.getValue()).onSuccess(removed -> {
            CameraConfig camera = cameras.get(e.getKey());
            if (removed && camera != null) {
              LOG.warn("camera {}: its node left the cluster; another node takes it over", camera.id());
              vertx.eventBus().publish(Addresses.state(camera.id()),
                  CameraStatus.notRunning(camera, "its node left the cluster; moving to another node").toJson());
            }
          });
        })
        .toList();
    return Future.join(removals).map(v -> valid);
  }

  private Set<String> overdue(Map<String, String> claims, long now) {
    unclaimedSince.keySet().removeIf(claims::containsKey);
    cameras.keySet().stream().filter(c -> !claims.containsKey(c)).forEach(c -> unclaimedSince.putIfAbsent(c, now));
    return unclaimedSince.entrySet().stream().filter(e -> now - e.getValue() >= OVERDUE_MILLIS)
        .map(Map.Entry::getKey).collect(Collectors.toSet());
  }

  /** Frees these cameras and tells every node to place them now; {@code leaving} names this node when it stops. */
  private Future<Void> giveUp(List<String> cameraIds, String me, String leaving) {
    if (cameraIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(cameraIds.stream().map(camera -> owners.removeIfPresent(camera, me)).toList())
        .onComplete(done -> vertx.eventBus().publish(Addresses.PLACEMENT, leaving))
        .mapEmpty();
  }

  /** Completes with the cameras this node won; none once it is stopping. */
  private Future<Set<String>> claim(List<String> cameraIds, String me) {
    if (released) {
      return Future.succeededFuture(Set.of());
    }
    List<Future<String>> attempts = cameraIds.stream()
        .map(camera -> owners.putIfAbsent(camera, me).map(previous -> previous == null ? camera : null))
        .toList();
    return Future.join(attempts).map(v -> attempts.stream().map(Future::result)
        .filter(Objects::nonNull).collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  private void logChanges(Set<String> running) {
    running.stream().filter(c -> !held.contains(c))
        .forEach(c -> LOG.info("camera {}: runs on this node", c));
    held.stream().filter(c -> !running.contains(c))
        .forEach(c -> LOG.info("camera {}: no longer runs on this node", c));
  }
}
