package io.visionroi.config;

import java.util.List;

/**
 * The whole validated configuration; immutable.
 *
 * @param auth the user and password the HTTP API, page and WebSockets ask for, or null for none
 */
public record ServiceConfig(String httpHost, int httpPort, BasicAuth auth, StreamSettings stream, String ffmpegPath,
    List<CameraConfig> cameras) {

  /** HTTP basic authentication; the password is never shown. */
  public record BasicAuth(String user, String password) {

    @Override
    public String toString() {
      return "BasicAuth[user=" + user + ", password=***]";
    }
  }

  public ServiceConfig {
    cameras = List.copyOf(cameras);
  }
}
