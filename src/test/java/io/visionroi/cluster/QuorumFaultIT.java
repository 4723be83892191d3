package io.visionroi.cluster;

import io.visionroi.support.ClusterNodes;
import io.visionroi.support.FfmpegCensus;
import io.visionroi.support.JarProcess;
import io.visionroi.support.NetworkCut;
import io.visionroi.support.Processes;
import io.visionroi.support.ViewerClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes with a quorum of two: one frozen and thawed, then one cut off the network and back (see
 * {@link ClusterFaults}). It runs after the other tests, with nothing beside it (pom.xml): the two nodes a
 * freeze leaves must keep hearing each other, and beside other tests their heartbeats were once 5 s late,
 * which split them too.
 */
class QuorumFaultIT extends ClusterFaults {

  @Test
  void threeNodesWithAQuorumOneFrozenThenOneCutOff() throws Exception {
    List<JarProcess> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(cluster.start("n" + i, "CLUSTER_QUORUM=2"));
    }
    List<Integer> ports = new ArrayList<>();
    for (JarProcess node : nodes) {
      ports.add(node.awaitStarted(START_MILLIS));
    }
    assertTrue(Processes.waitFor(40_000, POLL_MILLIS, () -> cluster.liveAndSpread(ports)), "spread: " + describe(ports.get(0)));
    awaitCalm(ports);
    freezeAndThaw(nodes.get(2), ports.get(2), ports.subList(0, 2), ports);

    // Cut off in a minority: it stops its cameras before the others start them; never twice until healed.
    awaitCalm(ports);
    int victim = ports.get(1);
    String moved = camerasOn(ports.get(0), victim).get(0);
    long cutAt = System.currentTimeMillis();
    try (FfmpegCensus census = new FfmpegCensus(cluster);
         ViewerClient onVictim = ViewerClient.connect(vertx, victim, "/ws/cameras/" + moved)) {
      assertTrue(onVictim.awaitFrames(3, 10_000), "a viewer watches " + moved + " on the node to be cut off");
      List<Integer> others = List.of(ports.get(0), ports.get(2));
      try (NetworkCut cut = NetworkCut.of(ClusterNodes.ownAddress(1))) {
        assertEquals(1013, onVictim.awaitClose(FAILOVER_BOUND_MILLIS).code(),
            "the cut-off node sends its viewers away once it sees no quorum");
        assertTrue(Processes.waitFor(FAILOVER_BOUND_MILLIS, POLL_MILLIS, () -> allLiveOn(ports.get(0), others)),
            "its cameras live on the others: " + describe(ports.get(0)));
        long failover = System.currentTimeMillis() - cutAt;
        Thread.sleep(Math.max(0, cutAt + FAULT_MILLIS - System.currentTimeMillis()));
        long healedAt = System.currentTimeMillis();
        cut.close();
        long converged = awaitConvergence(census, healedAt, HEAL_BOUND_MILLIS, ports);
        // Until each camera ran once again, none ran twice; after that only a make-before-break move may (above).
        assertEquals(Optional.empty(), census.samplesFrom(cutAt).stream()
            .filter(s -> s.at() < converged && s.anyTwice()).findFirst(),
            () -> "a camera ran twice during the cut or the heal\n" + cluster.logs());
        System.out.printf("3 nodes, quorum 2, cut %d ms: cameras live on the others %d ms after the cut, each"
            + " camera once %d ms after the heal%n", healedAt - cutAt, failover, converged - healedAt);
      }
    }
  }
}
