package io.visionroi.cluster;

import io.visionroi.config.CameraConfig;
import io.vertx.core.Future;

import java.util.List;

/**
 * Decides which of the configured cameras this node runs: all of them on a single node
 * ({@link SingleNodePlacement}), its share of them in a cluster ({@link ClusterPlacement}).
 */
public interface Placement {

  /**
   * Begins: from now on {@code runner} is told which cameras to run here, out of these enabled ones.
   * Completes once the first decision is carried out.
   */
  Future<Void> start(CameraRunner runner, List<CameraConfig> cameras);

  /** The config was reloaded: these are the enabled cameras now. */
  void follow(List<CameraConfig> cameras);

  /**
   * For a stop, while this node's ffmpeg still run: hands its cameras to other nodes, make-before-break, and
   * completes once they took them all. Nothing to do without other nodes.
   */
  default Future<Void> handOverAll() {
    return Future.succeededFuture();
  }

  /**
   * For a stop, once this node's ffmpeg are gone: stops placing, and gives this node's cameras up so that
   * other nodes take them at once instead of waiting to notice this node is gone.
   */
  Future<Void> releaseAll();
}
