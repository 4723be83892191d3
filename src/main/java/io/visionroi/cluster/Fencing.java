package io.visionroi.cluster;

import java.util.function.BooleanSupplier;

/**
 * When a node must stop trusting its own claims, from the cluster's settings (see {@link ClusterPlacement}).
 *
 * @param stallLimitMillis    a gap between placement rounds longer than this (the node was frozen) fences it;
 *                            below the heartbeat timeout after which the others drop a silent member
 * @param departedGraceMillis how long the claims of a node that vanished (not one that left politely) stay
 *                            untouched, so that a node cut off in a minority has stopped its cameras before
 *                            the others start them; 0 without a quorum
 * @param quorum              the fewest members a part of the cluster needs to run cameras (CLUSTER_QUORUM),
 *                            0 for none
 * @param quorumPresent       whether this node hears from at least {@code quorum} members now (heartbeats, not
 *                            the membership list, which changes seconds later); always true without a quorum
 */
public record Fencing(long stallLimitMillis, long departedGraceMillis, int quorum, BooleanSupplier quorumPresent) {
}
