package io.visionroi.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP MJPEG camera made of real ffmpeg ({@code -f mpjpeg -listen 1}). ffmpeg serves one client
 * and exits when it goes, so a keeper thread starts a new one each time, like a camera that accepts
 * reconnects. {@link #freeze()} SIGSTOPs it (TCP open, no bytes), {@link #thaw()} resumes it;
 * {@link #stop()} takes the camera off the network until {@link #start()}. Its ffmpeg dies with the
 * keeper thread (parent-death signal), so even a killed test JVM leaves none behind.
 */
public final class FakeMjpegCamera implements AutoCloseable {

  private final int port;
  /** ffmpeg's input arguments: a test pattern it encodes, or a recorded MJPEG clip it only copies. */
  private final List<String> source;
  private volatile boolean running;
  private volatile Process current;
  private Thread keeper;

  /** A camera that encodes a moving test pattern of this size at 10 fps. */
  public FakeMjpegCamera(String size) {
    this(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=10", "-c:v", "mjpeg", "-q:v", "7"));
  }

  private FakeMjpegCamera(List<String> source) {
    this.port = freePort();
    this.source = source;
  }

  /** A camera that sends a recorded MJPEG clip in a loop, at its own rate, copying it: almost no CPU. */
  public static FakeMjpegCamera replaying(java.nio.file.Path clip) {
    return new FakeMjpegCamera(List.of("-stream_loop", "-1", "-i", clip.toString(), "-c:v", "copy"));
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  public synchronized FakeMjpegCamera start() {
    running = true;
    keeper = new Thread(this::keep, "fake-camera-" + port);
    keeper.setDaemon(true);
    keeper.start();
    return this;
  }

  public void freeze() {
    Processes.signal(currentPid(), "STOP");
  }

  public void thaw() {
    Processes.signal(currentPid(), "CONT");
  }

  /** The camera goes away: its server process is killed and not replaced. */
  public synchronized void stop() {
    running = false;
    Process p = current;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (keeper != null) {
      try {
        keeper.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  private long currentPid() {
    Processes.waitFor(5000, () -> current != null && current.isAlive());
    return current.pid();
  }

  private void keep() {
    while (running) {
      try {
        List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "ffmpeg",
            "-hide_banner", "-nostdin", "-loglevel", "quiet", "-re"));
        command.addAll(source);
        command.addAll(List.of("-f", "mpjpeg", "-listen", "1", url()));
        Process p = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        current = p;
        if (!running) {
          p.destroyForcibly();
        }
        p.waitFor();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
