package io.visionroi.bus;

import io.visionroi.config.CameraConfig;

import java.util.List;
import java.util.Set;

/**
 * A list of cameras, published within the node: the configured ones on {@link Addresses#CAMERAS} (the HTTP
 * side follows reloads) and the ones running here on {@link Addresses#RUNNING} (the watchdog follows them).
 *
 * @param silent of the running ones, those that run without a word to anyone yet: taking over from another
 *               node, which still serves their viewers (see {@code ClusterPlacement})
 */
public record CameraSet(List<CameraConfig> cameras, Set<String> silent) {

  public CameraSet {
    cameras = List.copyOf(cameras);
    silent = Set.copyOf(silent);
  }

  public CameraSet(List<CameraConfig> cameras) {
    this(cameras, Set.of());
  }
}
