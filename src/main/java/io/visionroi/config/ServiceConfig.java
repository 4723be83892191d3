package io.visionroi.config;

import java.util.List;

/**
 * The whole validated configuration; immutable.
 *
 * @param auth   the user and password the HTTP API, page and WebSockets ask for, or null for none
 * @param tls    the certificate the port speaks HTTPS (and WSS) with, or null for plain HTTP
 * @param access who may reach the HTTP port besides the password
 * @param rtspPort the RTSP re-stream's port on {@code httpHost}, or 0 for none
 */
public record ServiceConfig(String httpHost, int httpPort, int rtspPort, BasicAuth auth, Tls tls, HttpAccess access,
    StreamSettings stream, String ffmpegPath, List<CameraConfig> cameras) {

  /** PEM files: the certificate (chain) and its private key. */
  public record Tls(String certPath, String keyPath) {
  }

  /** HTTP basic authentication; the password is never shown. */
  public record BasicAuth(String user, String password) {

    @Override
    public String toString() {
      return "BasicAuth[user=" + user + ", password=***]";
    }
  }

  /** True when the port can be reached without a password. */
  public boolean open() {
    return auth == null;
  }

  public ServiceConfig {
    cameras = List.copyOf(cameras);
  }
}
