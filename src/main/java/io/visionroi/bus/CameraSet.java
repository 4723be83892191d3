package io.visionroi.bus;

import io.visionroi.config.CameraConfig;

import java.util.List;

/**
 * A list of cameras, published within the node: the configured ones on {@link Addresses#CAMERAS} (the HTTP
 * side follows reloads) and the ones running here on {@link Addresses#RUNNING} (the watchdog follows them).
 */
public record CameraSet(List<CameraConfig> cameras) {

  public CameraSet {
    cameras = List.copyOf(cameras);
  }
}
