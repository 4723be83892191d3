package io.visionroi.http;

import io.visionroi.config.ServiceConfig;
import io.visionroi.rtsp.RtspAuth;
import io.visionroi.rtsp.RtspRequest;
import io.vertx.core.net.SocketAddress;

import java.util.List;

/**
 * What an RTSP reader is let in by, the same as HTTP's: the configured user (Digest or Basic), the wrong-password
 * throttle shared with HTTP, the cameras this service knows, the node's viewer limits.
 */
final class RtspAccess {

  private final RtspAuth auth;
  private final LoginThrottle logins;
  private final CameraDirectory directory;
  private final Viewers viewers;

  RtspAccess(ServiceConfig config, LoginThrottle logins, CameraDirectory directory, Viewers viewers) {
    this.auth = config.auth() == null ? null : new RtspAuth(config.auth().user(), config.auth().password());
    this.logins = logins;
    this.directory = directory;
    this.viewers = viewers;
  }

  boolean knows(String cameraId) {
    return directory.find(cameraId).isPresent();
  }

  Viewers viewers() {
    return viewers;
  }

  long heldBackFor(SocketAddress remote) {
    return logins.heldBackFor(address(remote), System.currentTimeMillis());
  }

  /** Whether the request may go on; wrong credentials (not missing ones) count against the address. */
  boolean authenticated(RtspRequest request, String nonce, SocketAddress remote) {
    if (auth == null || auth.accepts(request, nonce)) {
      return true;
    }
    if (request.header("Authorization") != null) {
      logins.refused(address(remote));
    }
    return false;
  }

  List<String> challenges(String nonce) {
    return auth.challenges(nonce);
  }

  private static String address(SocketAddress remote) {
    return remote == null || remote.hostAddress() == null ? "?" : remote.hostAddress();
  }
}
