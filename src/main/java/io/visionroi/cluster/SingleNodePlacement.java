package io.visionroi.cluster;

import io.visionroi.config.CameraConfig;
import io.vertx.core.Future;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Without a cluster this node runs every enabled camera. */
public final class SingleNodePlacement implements Placement {

  private CameraRunner runner;

  @Override
  public Future<Void> start(CameraRunner runner, List<CameraConfig> cameras) {
    this.runner = runner;
    return runner.runOnly(ids(cameras));
  }

  @Override
  public void follow(List<CameraConfig> cameras) {
    runner.runOnly(ids(cameras));
  }

  @Override
  public Future<Void> releaseAll() {
    return Future.succeededFuture();
  }

  static Set<String> ids(List<CameraConfig> cameras) {
    return cameras.stream().map(CameraConfig::id).collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
