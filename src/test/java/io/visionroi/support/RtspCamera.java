package io.visionroi.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A loopback RTSP camera made of GStreamer's RTSP server ({@code scripts/rtsp-camera.py}): a moving test
 * pattern in H.264, H.265 or MJPEG over RTSP/TCP and RTP/UDP, optionally behind Basic auth. The port is
 * chosen once, so {@link #stop()} then {@link #start()} is a camera that reboots at the same address.
 * {@link #freeze()} SIGSTOPs it (connections stay open, no bytes, like a hung camera), {@link #thaw()}
 * resumes it. The server dies with the test JVM (parent-death signal), even when that is killed.
 *
 * <pre>
 * try (RtspCamera camera = RtspCamera.h264(2).withAuth("admin", "secret").start()) {
 *   String url = camera.url();   // rtsp://admin:secret@127.0.0.1:PORT/cam
 * }
 * </pre>
 */
public final class RtspCamera implements AutoCloseable {

  private static final String SCRIPT = "scripts/rtsp-camera.py";
  private static final long READY_TIMEOUT_MILLIS = 10_000;

  private final String codec;
  private final int gopSeconds;
  private final int port;
  private String size = "640x480";
  private int fps = 15;
  private String path = "/cam";
  private String user;
  private String password;
  private boolean shared;
  private boolean seekOnPlay;
  private double jumpEverySeconds;
  private double jumpBySeconds;
  private Process process;
  /** The server's last output lines (stdout and stderr), for the message when it does not come up. */
  private final Deque<String> output = new ArrayDeque<>();

  private RtspCamera(String codec, int gopSeconds) {
    this.codec = codec;
    this.gopSeconds = gopSeconds;
    this.port = freePort();
  }

  /** H.264 with a key frame every {@code gopSeconds}. */
  public static RtspCamera h264(int gopSeconds) {
    return new RtspCamera("h264", gopSeconds);
  }

  /** H.265 with a key frame every {@code gopSeconds}. */
  public static RtspCamera h265(int gopSeconds) {
    return new RtspCamera("h265", gopSeconds);
  }

  /** RTP/JPEG: every frame is a key frame. */
  public static RtspCamera mjpeg() {
    return new RtspCamera("mjpeg", 1);
  }

  /** Basic auth: without these credentials (or with others) the camera answers 401. */
  public RtspCamera withAuth(String user, String password) {
    this.user = user;
    this.password = password;
    return this;
  }

  /** One pipeline for all clients, as most cameras do; by default each client gets its own. */
  public RtspCamera shared() {
    this.shared = true;
    return this;
  }

  /**
   * GStreamer's own behaviour instead of a camera's: every client's PLAY (ffmpeg sends {@code Range:
   * npt=0.000-}) flush-seeks the pipeline, so with {@link #shared()} each new client restarts the
   * timestamps (and the GOP) of every client already watching.
   */
  public RtspCamera seekOnPlay() {
    this.seekOnPlay = true;
    return this;
  }

  /** Frame size, {@code WIDTHxHEIGHT}; 640x480 by default. */
  public RtspCamera size(String size) {
    this.size = size;
    return this;
  }

  /** Frames per second; 15 by default. */
  public RtspCamera fps(int fps) {
    this.fps = fps;
    return this;
  }

  /** The path served (others give 404); {@code /cam} by default. */
  public RtspCamera path(String path) {
    this.path = path.startsWith("/") ? path : "/" + path;
    return this;
  }

  /** Every {@code everySeconds} the RTP timestamps step back by {@code bySeconds} (at most everySeconds). */
  public RtspCamera jumpingBack(double everySeconds, double bySeconds) {
    this.jumpEverySeconds = everySeconds;
    this.jumpBySeconds = bySeconds;
    return this;
  }

  /** Starts the server and returns once it listens; throws if it has not within ~10 s. */
  public synchronized RtspCamera start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "python3",
        projectDir().resolve(SCRIPT).toString(), "--port", Integer.toString(port), "--codec", codec,
        "--gop", Integer.toString(gopSeconds), "--fps", Integer.toString(fps), "--size", size, "--path", path));
    if (user != null) {
      command.addAll(List.of("--user", user, "--password", password));
    }
    if (shared) {
      command.add("--shared");
    }
    if (seekOnPlay) {
      command.add("--seek-on-play");
    }
    if (jumpEverySeconds > 0) {
      command.addAll(List.of("--jump-every", Double.toString(jumpEverySeconds),
          "--jump-by", Double.toString(jumpBySeconds)));
    }
    synchronized (output) {
      output.clear();
    }
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process = p;
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread drain = new Thread(() -> drain(p, ready), "rtsp-camera-" + port);
    drain.setDaemon(true);
    drain.start();
    try {
      ready.get(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      kill(p);
      throw new IllegalStateException("RTSP camera on port " + port + " did not come up: " + outputTail());
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** The URL to read it with, holding the credentials when it has auth. */
  public String url() {
    return user == null ? plainUrl() : urlWith(user, password);
  }

  /** The URL with these credentials, right or wrong. */
  public String urlWith(String user, String password) {
    return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port + path;
  }

  /** The URL without credentials. */
  public String plainUrl() {
    return "rtsp://127.0.0.1:" + port + path;
  }

  public int port() {
    return port;
  }

  /** The server's pid while it runs. */
  public synchronized long pid() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("RTSP camera on port " + port + " is not running");
    }
    return process.pid();
  }

  /** SIGSTOP: connections stay open and nothing more is sent, nor answered. */
  public void freeze() {
    Processes.signal(pid(), "STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void thaw() {
    Processes.signal(pid(), "CONT");
  }

  /** SIGKILL, like a camera losing power: returns once it is gone and its port refuses connections. */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    kill(p);
    if (!Processes.waitFor(5000, () -> !connects(port))) {
      throw new IllegalStateException("port " + port + " still accepts after the RTSP camera was killed");
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void kill(Process p) {
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!Processes.waitFor(5000, () -> !Processes.isRunning(p.pid()))) {
      throw new IllegalStateException("RTSP camera " + p.pid() + " survived SIGKILL");
    }
  }

  /** Reads the server's output to its end, so its pipe never fills; the ready line completes {@code ready}. */
  private void drain(Process p, CompletableFuture<String> ready) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith("ready ")) {
          ready.complete(line.substring("ready ".length()));
        }
        synchronized (output) {
          output.addLast(line);
          if (output.size() > 30) {
            output.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process is gone; what it said is kept.
    }
    ready.completeExceptionally(new IllegalStateException("exited"));
  }

  private String outputTail() {
    synchronized (output) {
      return output.isEmpty() ? "(no output)" : String.join("\n", output);
    }
  }

  private static boolean connects(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The project root: the working directory under Maven, else found upwards from these classes. */
  private static Path projectDir() {
    Path cwd = Paths.get("").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve(SCRIPT))) {
      return cwd;
    }
    try {
      Path dir = Paths.get(RtspCamera.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(SCRIPT))) {
          return dir;
        }
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // Fall through to the error below.
    }
    throw new IllegalStateException(SCRIPT + " not found from " + cwd + " nor above the test classes");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
