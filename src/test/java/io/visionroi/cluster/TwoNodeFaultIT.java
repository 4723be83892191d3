package io.visionroi.cluster;

import io.visionroi.support.ClusterNodes;
import io.visionroi.support.FfmpegCensus;
import io.visionroi.support.JarProcess;
import io.visionroi.support.NetworkCut;
import io.visionroi.support.Processes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes: one frozen and thawed, then one cut off the network and back (see {@link ClusterFaults}).
 */
class TwoNodeFaultIT extends ClusterFaults {

  @Test
  void twoNodesOneFrozenThenOneCutOff() throws Exception {
    JarProcess a = cluster.start("a");
    JarProcess b = cluster.start("b");
    List<Integer> ports = List.of(a.awaitStarted(START_MILLIS), b.awaitStarted(START_MILLIS));
    assertTrue(Processes.waitFor(30_000, POLL_MILLIS, () -> cluster.liveAndSpread(ports)), "spread: " + describe(ports.get(0)));
    freezeAndThaw(b, ports.get(1), List.of(ports.get(0)), ports);

    // Cut off: neither node can tell the other from dead, so each runs every camera until the cut heals.
    long cutAt = System.currentTimeMillis();
    try (FfmpegCensus census = new FfmpegCensus(cluster);
         NetworkCut cut = NetworkCut.of(ClusterNodes.ownAddress(1))) {
      assertTrue(Processes.waitFor(FAILOVER_BOUND_MILLIS, POLL_MILLIS, () -> allLiveOn(ports.get(0), List.of(ports.get(0)))
              && allLiveOn(ports.get(1), List.of(ports.get(1)))),
          "each part runs every camera: " + describe(ports.get(0)) + " | " + describe(ports.get(1)));
      long split = System.currentTimeMillis() - cutAt;
      Thread.sleep(Math.max(0, cutAt + FAULT_MILLIS - System.currentTimeMillis()));
      long healedAt = System.currentTimeMillis();
      cut.close();
      long converged = awaitConvergence(census, healedAt, HEAL_BOUND_MILLIS, ports);
      System.out.printf("2 nodes, cut %d ms: each part ran every camera %d ms after the cut, each camera once"
          + " %d ms after the heal%n", healedAt - cutAt, split, converged - healedAt);
    }
  }
}
