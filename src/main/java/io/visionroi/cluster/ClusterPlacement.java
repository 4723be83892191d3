package io.visionroi.cluster;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraStatus;
import io.visionroi.config.CameraConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
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
 *
 * <p>Make-before-break moves. A camera that moves on purpose (for balance, or off a node stopping with
 * SIGTERM) is started on its new node first, silent: its ffmpeg runs and its frames are kept, but it says
 * nothing to anyone, while the old node still serves its viewers. Once the new node holds a picture a viewer
 * can start with (for MP4, a keyframe), it asks the old one to {@code take} ({@link Addresses#handover}); the
 * old node stops the camera, hands the claim over ({@code replaceIfPresent}) and answers; the new node then
 * speaks, beginning with that picture. So the viewers' gap is one request and one ffmpeg kill, and the camera
 * has two sessions for a moment. A move not completed within {@value #HANDOVER_MILLIS} ms is abandoned (the
 * camera stays where it ran). A node that died cannot hand anything over: its cameras are claimed afresh.
 *
 * <p>Fencing. A node that was frozen (a long GC pause, a stalled VM, SIGSTOP) may have been dropped by the
 * others, who then took its cameras; when it wakes, its own view of the cluster is stale and, once Hazelcast
 * has split it off, it would see everyone else as gone. So a gap between rounds longer than
 * {@code stallLimitMillis} (below Hazelcast's heartbeat timeout, after which the others drop a silent member)
 * fences the node: before anything else it stops every camera it runs, sends its viewers away, and then
 * changes nothing in the claims until its membership has been stable for {@value #REJOIN_SETTLE_MILLIS} ms
 * with other members (merged back, or never dropped), or for {@value #ALONE_WAIT_MILLIS} ms alone when it had
 * peers (they are gone for sure). When the parts merge, Hazelcast's latest-update merge policy on the claims
 * (set in {@code ClusterSetup}) lets the claims the others made meanwhile win over the frozen node's old ones.
 *
 * <p>With a quorum ({@code CLUSTER_QUORUM}), a node that hears from fewer members than the quorum (Hazelcast's
 * recently-active split-brain protection: heartbeats within 80 % of the heartbeat timeout) fences itself at
 * its next round, seconds before its membership list changes; the same protection keeps such a part from
 * writing claims. The others leave the claims of a node that vanished alone for
 * {@link Fencing#departedGraceMillis()}, so that it has stopped its cameras before they start them.
 */
public final class ClusterPlacement implements Placement {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterPlacement.class);
  public static final String OWNERS = "visionroi.owners";
  static final long ROUND_MILLIS = 500;
  /** A camera unclaimed this long may be claimed by any node, whatever the plan says. */
  static final long OVERDUE_MILLIS = 3000;
  /** Membership stable this long before cameras move for balance. */
  static final long SETTLE_MILLIS = 3000;
  /** After a fence: membership stable this long (with other members) before the claims seen are trusted. */
  static final long REJOIN_SETTLE_MILLIS = 4000;
  /** After a fence, alone although it had peers: how long to wait for them to merge back before taking all. */
  static final long ALONE_WAIT_MILLIS = 15_000;
  /** After resuming: two refreshes of the event bus's routes ({@code RefreshingClusterManager}) and a margin. */
  static final long ROUTES_SETTLE_MILLIS = 5000;
  private static final DeliveryOptions HANDOVER_ASK = new DeliveryOptions().setSendTimeout(3000);

  private final Vertx vertx;
  private final ClusterManager cluster;
  private final Fencing fencing;
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
  private long lastRoundAt;
  /** When the node was last fenced, 0 once it may trust the claims again. */
  private long fencedAt;
  private boolean hadPeersWhenFenced;
  /** Why the node was fenced, until a round has carried out its share again (for one log line each way). */
  private String fencedFor;
  /** Counts fences: a round begun before the latest one carries nothing out. */
  private int fences;
  /** Nodes holding claims that vanished from the membership, and since when. */
  private final Map<String, Long> missingSince = new HashMap<>();
  /** A make-before-break move not completed by then is abandoned. */
  static final long HANDOVER_MILLIS = 15_000;
  /** How often a node taking cameras over looks whether they have a picture yet. */
  static final long TAKEOVER_CHECK_MILLIS = 100;
  /** The balance move this node began (one at a time), or null. */
  private Move outgoing;
  /** Cameras other nodes hand to this one, running here silent until taken, with the node and the time they came from. */
  private final Map<String, Move> incoming = new HashMap<>();
  /** Of those, the ones whose old node is being asked to let go. */
  private final Set<String> taking = new HashSet<>();
  /** Cameras taken over here whose claim a round that read the claims before may not show as this node's. */
  private final Map<String, Long> taken = new HashMap<>();
  /** Cameras handed over from here, which such a round must not start again. */
  private final Map<String, Long> handedOver = new HashMap<>();

  /** A camera on its way between {@code node} (where it goes, or where it comes from) and this node. */
  private record Move(String camera, String node, long since) {
  }

  public ClusterPlacement(Vertx vertx, ClusterManager cluster, Fencing fencing) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.fencing = fencing;
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
          vertx.eventBus().<JsonObject>consumer(Addresses.handover(cluster.getNodeId()), this::onHandover);
          vertx.setPeriodic(TAKEOVER_CHECK_MILLIS, id -> takeOverWhenReady());
          tellCluster("member", null);
          // Without a quorum yet (the first nodes of a cluster starting), the node starts and waits for it.
          return round().recover(e -> fencedFor != null ? Future.succeededFuture() : Future.failedFuture(e));
        });
  }

  @Override
  public void follow(List<CameraConfig> enabled) {
    Map<String, CameraConfig> next = new LinkedHashMap<>();
    enabled.forEach(c -> next.put(c.id(), c));
    cameras = next;
  }

  /**
   * For a stop, before this node's ffmpeg are killed: hands each camera it runs to another node,
   * make-before-break. Completes once all are taken (the caller bounds the wait; what is left is released).
   */
  @Override
  public Future<Void> handOverAll() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      released = true;
      vertx.cancelTimer(timer);
      String me = cluster.getNodeId();
      List<String> others = cluster.getNodes().stream().filter(n -> !n.equals(me) && !leaving.contains(n))
          .sorted().toList();
      if (held.isEmpty() || others.isEmpty() || owners == null) {
        done.complete();
        return;
      }
      vertx.eventBus().publish(Addresses.PLACEMENT, me); // this node takes nothing from now on
      // Cameras no node would prepare for (all of them stopping too, say): nothing to wait for.
      Set<String> refused = new HashSet<>();
      int i = 0;
      for (String camera : List.copyOf(held)) {
        String to = others.get(i++ % others.size());
        prepare(new Move(camera, to, now())).onFailure(e -> refused.add(camera));
      }
      long poll = vertx.setPeriodic(50, id -> {
        if (refused.containsAll(held)) {
          done.tryComplete();
        }
      });
      done.future().onComplete(end -> vertx.cancelTimer(poll));
    });
    return done.future();
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
    long now = now();
    if (lastRoundAt > 0 && now - lastRoundAt > fencing.stallLimitMillis()) {
      fence(now, "this node stalled for " + (now - lastRoundAt) + " ms (limit " + fencing.stallLimitMillis()
          + " ms): the others may have dropped it");
    }
    lastRoundAt = now;
    if (!fencing.quorumPresent().getAsBoolean()) {
      fence(now, "this node hears from fewer than the quorum of " + fencing.quorum() + " members");
    }
    if (inRound) {
      roundAgain = true;
      return Future.succeededFuture();
    }
    inRound = true;
    roundAgain = false;
    String me = cluster.getNodeId();
    Set<String> live = new TreeSet<>(cluster.getNodes());
    leaving.retainAll(live);
    // A stopping node is still a member for a moment, but takes nothing.
    Set<String> candidates = new TreeSet<>(live);
    candidates.removeAll(leaving);
    if (!live.equals(members)) {
      members = live;
      membersSince = now;
    }
    if (fencedAt != 0 && !mayResume(live, now)) {
      inRound = false;
      return Future.succeededFuture();
    }
    int fence = fences;
    return owners.entries()
        .compose(claims -> fence != fences ? Future.succeededFuture() : dropDeparted(claims, live, now)
            .compose(valid -> carryOut(valid, candidates, me, now, fence)))
        .onFailure(e -> {
          // A fenced node's rounds fail until its part has a quorum again: it said so once already.
          if (fencedFor == null) {
            LOG.warn("camera placement round failed (next round in {} ms): {}", ROUND_MILLIS, e.getMessage());
          }
        })
        .eventually(() -> {
          inRound = false;
          return roundAgain ? round() : Future.succeededFuture();
        });
  }

  /** Keeps, gives up and claims this node's share; stops short if the node is fenced meanwhile. */
  private Future<Void> carryOut(Map<String, String> claims, Set<String> candidates, String me, long now, int fence) {
    OwnershipPlan plan = OwnershipPlan.of(List.copyOf(cameras.keySet()), candidates, claims, me,
        overdue(claims, now), now - membersSince >= SETTLE_MILLIS);
    taken.keySet().removeIf(camera -> me.equals(claims.get(camera)));
    taken.values().removeIf(at -> now - at > HANDOVER_MILLIS);
    handedOver.keySet().removeIf(camera -> !me.equals(claims.get(camera)));
    handedOver.values().removeIf(at -> now - at > HANDOVER_MILLIS);
    if (outgoing != null && (now - outgoing.since() > HANDOVER_MILLIS || !plan.keep().contains(outgoing.camera()))) {
      outgoing = null;
    }
    if (plan.handOver() != null && outgoing == null && fencedFor == null) {
      outgoing = new Move(plan.handOver().camera(), plan.handOver().to(), now);
      prepare(outgoing);
    }
    return runHere(plan.keep())
        .compose(v -> giveUp(plan.release(), me, null))
        .compose(v -> fence != fences ? Future.succeededFuture(Set.<String>of()) : claim(plan.claim(), me))
        .compose(won -> {
          if (fence != fences) {
            return Future.succeededFuture();
          }
          Set<String> running = new LinkedHashSet<>(plan.keep());
          running.addAll(won);
          hold(afterMoves(running));
          if (fencedFor != null) {
            LOG.info("camera placement resumed ({} member(s)) after: {}", members.size(), fencedFor);
            fencedFor = null;
            // The event bus's routes to cameras that moved meanwhile are re-read every 2 s: until then an ask
            // may still miss a camera that runs elsewhere.
            vertx.setTimer(ROUTES_SETTLE_MILLIS, id -> {
              if (fence == fences) {
                tellCluster("member", null);
              }
            });
          }
          return runHere(held);
        });
  }

  /**
   * The node may have been dropped by the others, who may run its cameras now (see the class comment):
   * everything it runs is stopped at once, before any claim is looked at.
   */
  private void fence(long now, String why) {
    fences++;
    if (fencedFor == null) {
      LOG.warn("{}; it stops its cameras until its membership has settled", why);
      fencedFor = why;
    }
    if (fencedAt == 0) {
      hadPeersWhenFenced = members.size() > 1;
    }
    fencedAt = now;
    tellCluster("rejoining", "this node lost contact with its cluster and is rejoining it: where the camera runs is"
        + " not known here yet");
    hold(Set.of());
    outgoing = null;
    incoming.clear();
    taken.clear();
    runner.runOnly(Set.of());
    // Cut off, this node gets no frames nor states from the others: its viewers are sent away to reconnect.
    DeliveryOptions here = new DeliveryOptions().setLocalOnly(true);
    cameras.values().forEach(camera -> vertx.eventBus().publish(Addresses.state(camera.id()),
        CameraStatus.cutOff(camera, "this node lost contact with the cluster; reconnecting").toJson(), here));
  }

  /** Whether a fenced node may look at the claims again: see the class comment. */
  private boolean mayResume(Set<String> live, long now) {
    long stableFor = now - Math.max(membersSince, fencedAt);
    boolean withOthers = live.size() > 1;
    if (stableFor < REJOIN_SETTLE_MILLIS
        || (!withOthers && hadPeersWhenFenced && now - fencedAt < ALONE_WAIT_MILLIS)) {
      return false;
    }
    fencedAt = 0;
    return true;
  }

  /** Tells this node's HTTP side whether it may trust what it hears of the cluster ({@link Addresses#CLUSTER}). */
  private void tellCluster(String state, String reason) {
    vertx.eventBus().publish(Addresses.CLUSTER, new JsonObject().put("state", state).put("reason", reason),
        new DeliveryOptions().setLocalOnly(true));
  }

  /**
   * These cameras, but none handed over since (a round that read the claims before the hand-over still names
   * them) and with every camera taken over since.
   */
  private Set<String> afterMoves(Set<String> cameraIds) {
    Set<String> here = new LinkedHashSet<>(cameraIds);
    here.removeAll(handedOver.keySet());
    here.addAll(taken.keySet());
    return here;
  }

  /** From now on this node holds these cameras (one log line per change). */
  private void hold(Set<String> running) {
    logChanges(running);
    held = running;
  }

  /** Runs these cameras here (after the moves since, see {@link #afterMoves}); the cameras coming in run silent. */
  private Future<Void> runHere(Set<String> cameraIds) {
    Set<String> here = afterMoves(cameraIds);
    Set<String> silent = new HashSet<>(incoming.keySet());
    silent.removeAll(here);
    return runner.runOnly(here, silent);
  }

  /** Asks the camera's new node to start it silent; the move is forgotten if it cannot. */
  private Future<Message<Object>> prepare(Move move) {
    return ask(move.node(), "prepare", move.camera()).onFailure(e -> {
      LOG.info("camera {}: could not move to node {}: {}", move.camera(), move.node(), e.getMessage());
      if (move.equals(outgoing)) {
        outgoing = null;
      }
    });
  }

  /** Asks another node's placement for a step of a camera's move ({@link #onHandover}). */
  private Future<Message<Object>> ask(String node, String action, String camera) {
    return vertx.eventBus().request(Addresses.handover(node), new JsonObject().put("action", action)
        .put("camera", camera).put("from", cluster.getNodeId()), HANDOVER_ASK);
  }

  /** A make-before-break move, as the old node ({@code take}) or the new one ({@code prepare}). */
  private void onHandover(Message<JsonObject> request) {
    String camera = request.body().getString("camera");
    String from = request.body().getString("from");
    switch (request.body().getString("action", "")) {
      case "prepare" -> {
        if (released || fencedFor != null || owners == null || !cameras.containsKey(camera) || held.contains(camera)) {
          request.fail(409, "this node cannot take camera " + camera + " now");
          return;
        }
        incoming.put(camera, new Move(camera, from, now()));
        LOG.info("camera {}: starts here silent, to take over from node {}", camera, from);
        runHere(held);
        request.reply(null);
      }
      case "take" -> letGo(camera, from, request);
      default -> request.fail(400, "unknown hand-over action");
    }
  }

  /**
   * The new node has a picture for the camera's viewers: the camera stops here (its frames end at once), its
   * claim passes to the new node, and the answer tells that node to speak.
   */
  private void letGo(String camera, String to, Message<JsonObject> request) {
    String me = cluster.getNodeId();
    if (!held.contains(camera) || owners == null) {
      request.fail(409, "camera " + camera + " does not run on this node");
      return;
    }
    handedOver.put(camera, now());
    hold(afterMoves(held));
    if (outgoing != null && outgoing.camera().equals(camera)) {
      outgoing = null;
    }
    runHere(held)
        .compose(v -> owners.replaceIfPresent(camera, me, to))
        .onComplete(replaced -> {
          if (replaced.succeeded() && replaced.result()) {
            LOG.info("camera {}: handed over to node {}", camera, to);
            request.reply(null);
          } else {
            handedOver.remove(camera); // still this node's: the next round runs it again
            request.fail(409, "the claim of camera " + camera + " is not this node's");
          }
        });
  }

  /** Cameras coming in that hold a picture now are taken from their old node; those overdue are dropped. */
  private void takeOverWhenReady() {
    long now = now();
    for (Move move : List.copyOf(incoming.values())) {
      String camera = move.camera();
      if (taking.contains(camera)) {
        continue;
      }
      if (now - move.since() > HANDOVER_MILLIS || !cameras.containsKey(camera)) {
        LOG.info("camera {}: no picture to take over with after {} ms: left on node {}", camera, now - move.since(),
            move.node());
        incoming.remove(camera);
        runHere(held);
        continue;
      }
      taking.add(camera);
      runner.readyToSpeak(camera).compose(ready -> !ready ? Future.succeededFuture(false)
              : ask(move.node(), "take", camera).map(true))
          .onComplete(took -> {
            taking.remove(camera);
            if (took.succeeded() && !took.result()) {
              return; // not ready yet
            }
            incoming.remove(camera);
            if (took.succeeded() && !released && fencedFor == null) {
              taken.put(camera, now());
              hold(afterMoves(held));
            } else if (took.failed()) {
              LOG.info("camera {}: node {} did not let go ({}): left there", camera, move.node(),
                  took.cause().getMessage());
            }
            runHere(held);
          });
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /**
   * Claims of departed nodes are void: one survivor removes each, and the camera is free again. A node that
   * vanished keeps its claims for the departed grace first (see the class comment).
   */
  private Future<Map<String, String>> dropDeparted(Map<String, String> claims, Set<String> live, long now) {
    missingSince.keySet().removeIf(node -> live.contains(node) || !claims.containsValue(node));
    Map<String, String> valid = new HashMap<>(claims);
    List<Future<Boolean>> removals = claims.entrySet().stream()
        .filter(e -> !live.contains(e.getValue()))
        .filter(e -> now - missingSince.computeIfAbsent(e.getValue(), node -> now) >= fencing.departedGraceMillis())
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
