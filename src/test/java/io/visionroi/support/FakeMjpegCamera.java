package io.visionroi.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback HTTP MJPEG camera ({@code scripts/mjpeg-camera.py}): one real ffmpeg makes the JPEGs and every
 * client that connects gets them, as an IP camera serves several clients. Started, frozen, thawed and
 * stopped as a {@link CameraScript}: while frozen, new connections are still accepted (by the kernel) and get
 * nothing until the thaw, as with a hung camera; {@link #stop()} refuses connections until {@link #start()}.
 */
public final class FakeMjpegCamera implements TestCamera {

  private final CameraScript server = new CameraScript("scripts/mjpeg-camera.py");
  /** The script's arguments: a test pattern it encodes, or a recorded MJPEG clip it only copies. */
  private final List<String> arguments;

  /** A camera that encodes a moving test pattern of this size at 10 fps. */
  public FakeMjpegCamera(String size) {
    this(List.of("--size", size, "--fps", "10"));
  }

  private FakeMjpegCamera(List<String> arguments) {
    this.arguments = arguments;
  }

  /** A camera that sends a recorded MJPEG clip in a loop, at its own rate, copying it: almost no CPU. */
  public static FakeMjpegCamera replaying(Path clip) {
    return new FakeMjpegCamera(List.of("--", "-stream_loop", "-1", "-i", clip.toString(), "-c:v", "copy"));
  }

  @Override
  public String url() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  /** Starts the camera and returns once it listens. */
  @Override
  public FakeMjpegCamera start() {
    server.start(new ArrayList<>(arguments));
    return this;
  }

  @Override
  public long pid() {
    return server.pid();
  }

  @Override
  public void freeze() {
    server.freeze();
  }

  @Override
  public void thaw() {
    server.thaw();
  }

  /** The camera goes away: killed, connections refused until {@link #start()}. */
  @Override
  public void stop() {
    server.stop();
  }

  @Override
  public void close() {
    stop();
  }
}
