package io.visionroi.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One node's part of the cluster's camera assignment, worked out from what every node sees alike: the
 * cameras, the members and the claims (camera to node). Each node computes the same assignment, claims
 * only the unclaimed cameras that fall to it, and the claim map's put-if-absent settles any race.
 * <ul>
 *   <li>An unclaimed camera falls to the member with the fewest cameras (ties: the lowest node id), so
 *       cameras spread over nodes; once overdue (unclaimed too long), any node may claim it.</li>
 *   <li>Once membership has settled, a node with at least two cameras more than the least loaded one hands
 *       one over to that node, one at a time in the whole cluster (only the most loaded node moves one, and only
 *       once its previous move is done; make-before-break: see {@link ClusterPlacement}), so a joining or
 *       returning node gets its share without a storm, and a balanced cluster moves nothing.</li>
 *   <li>Claims of cameras no longer configured are given up by their owner.</li>
 * </ul>
 *
 * @param keep    cameras this node holds and goes on running
 * @param claim   unclaimed cameras this node should claim
 * @param release  cameras this node holds and gives up (after stopping them): no longer configured
 * @param handOver a camera this node holds and should hand over for balance, with the node to take it; or null
 */
public record OwnershipPlan(Set<String> keep, List<String> claim, List<String> release, HandOver handOver) {

  /** {@code camera} should move to node {@code to}. */
  public record HandOver(String camera, String to) {
  }

  /**
   * @param cameras the enabled cameras' ids
   * @param members the ids of the nodes that may run cameras, this one among them
   * @param claims  camera id to owner node id (an owner that is not a member is stopping: it keeps its claim
   *                until it gives it up, but gets no new camera)
   * @param overdue unclaimed cameras that any node may claim now
   * @param settled whether membership has been stable long enough to move cameras for balance
   */
  public static OwnershipPlan of(List<String> cameras, Set<String> members, Map<String, String> claims, String me,
      Set<String> overdue, boolean settled) {
    Map<String, Integer> load = new TreeMap<>();
    members.forEach(m -> load.put(m, 0));
    Set<String> keep = new LinkedHashSet<>();
    List<String> release = new ArrayList<>();
    claims.forEach((camera, owner) -> {
      if (!cameras.contains(camera)) {
        if (owner.equals(me)) {
          release.add(camera);
        }
        return;
      }
      load.computeIfPresent(owner, (node, count) -> count + 1);
      if (owner.equals(me)) {
        keep.add(camera);
      }
    });

    List<String> claim = new ArrayList<>();
    cameras.stream().filter(c -> !claims.containsKey(c)).sorted().forEach(camera -> {
      String target = leastLoaded(load);
      load.merge(target, 1, Integer::sum);
      if (target.equals(me) || overdue.contains(camera)) {
        claim.add(camera);
      }
    });

    HandOver handOver = null;
    String least = leastLoaded(load);
    if (settled && claim.isEmpty() && !keep.isEmpty() && me.equals(mostLoaded(load))
        && load.get(me) - load.get(least) >= 2) {
      handOver = new HandOver(keep.stream().max(Comparator.naturalOrder()).orElseThrow(), least);
    }
    return new OwnershipPlan(Set.copyOf(keep), List.copyOf(claim), List.copyOf(release), handOver);
  }

  /** Only the most loaded node moves a camera (ties: the lowest node id), so one moves at a time in the cluster. */
  private static String mostLoaded(Map<String, Integer> load) {
    String most = null;
    for (Map.Entry<String, Integer> e : load.entrySet()) { // TreeMap order: the first of equals wins
      if (most == null || e.getValue() > load.get(most)) {
        most = e.getKey();
      }
    }
    return most;
  }

  private static String leastLoaded(Map<String, Integer> load) {
    // TreeMap order: ties go to the lowest node id, the same on every node.
    return load.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }
}
