package io.visionroi.http;

import java.net.BindException;

/** A port that cannot be listened on, said with what it is for and the key that sets it. */
final class PortTaken {

  private PortTaken() {
  }

  /** {@code failure} as a BindException naming the port's use and key when a bind failed; else as it is. */
  static Throwable asBindException(Throwable failure, String host, int port, String use, String keys) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return new BindException("cannot listen on " + host + ":" + port + " for " + use + ": " + cause.getMessage()
            + " (set " + keys + ")");
      }
    }
    return failure;
  }
}
