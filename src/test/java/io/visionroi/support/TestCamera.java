package io.visionroi.support;

/** A loopback test camera served by one of the project's scripts ({@link CameraScript}): RTSP or HTTP MJPEG. */
public interface TestCamera extends AutoCloseable {

  /** The URL to read it with. */
  String url();

  /** Starts it (again, at the same address); returns once it listens. */
  TestCamera start();

  /** The server's pid while it runs; throws when it is not running. */
  long pid();

  /** SIGSTOP: a hung camera. */
  void freeze();

  /** SIGCONT after {@link #freeze()}. */
  void thaw();

  /** SIGKILL, like a camera losing power: returns once its port refuses connections. */
  void stop();

  @Override
  void close();
}
