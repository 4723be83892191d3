package io.visionroi.config;

import java.util.List;

/** The whole validated configuration; immutable. */
public record ServiceConfig(String httpHost, int httpPort, StreamSettings stream, String ffmpegPath,
    List<CameraConfig> cameras) {

  public ServiceConfig {
    cameras = List.copyOf(cameras);
  }
}
