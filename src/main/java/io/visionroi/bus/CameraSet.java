package io.visionroi.bus;

import io.visionroi.config.CameraConfig;

import java.util.List;

/**
 * The cameras this node runs now, published locally on {@link Addresses#CAMERAS} after every config reload
 * (and at start), so the watchdog and the HTTP side follow added, removed and changed cameras.
 */
public record CameraSet(List<CameraConfig> cameras) {

  public CameraSet {
    cameras = List.copyOf(cameras);
  }
}
