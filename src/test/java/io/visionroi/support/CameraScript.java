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
 * A test camera served by one of the project's Python scripts ({@code scripts/rtsp-camera.py},
 * {@code scripts/mjpeg-camera.py}) on a loopback port chosen once, so stopping and starting it again is a
 * camera rebooting at the same address. It is up once the script prints {@code ready URL}; it dies with the
 * test JVM (parent-death signal), even when that is killed. {@link #freeze()} SIGSTOPs it (connections stay
 * open or are still accepted by the kernel, nothing is sent: a hung camera), {@link #stop()} SIGKILLs it
 * (a camera losing power).
 */
final class CameraScript {

  private static final long READY_TIMEOUT_MILLIS = 10_000;

  private final String script;
  private final int port;
  private Process process;
  /** The script's last output lines (stdout and stderr), for the message when it does not come up. */
  private final Deque<String> output = new ArrayDeque<>();

  /** "session opened" lines: RTSP sessions clients opened with the camera ({@code scripts/rtsp-camera.py}). */
  private final java.util.concurrent.atomic.AtomicInteger sessionsOpened = new java.util.concurrent.atomic.AtomicInteger();

  CameraScript(String script) {
    this.script = script;
    this.port = FreePort.onLoopback();
  }

  int port() {
    return port;
  }

  int sessionsOpened() {
    return sessionsOpened.get();
  }

  /** Starts the script with these arguments after {@code --port PORT}; returns once it is ready. */
  synchronized void start(List<String> arguments) {
    if (process != null && process.isAlive()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", python(),
        projectDir().resolve(script).toString(), "--port", Integer.toString(port)));
    command.addAll(arguments);
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
    Thread drain = new Thread(() -> drain(p, ready), "camera-script-" + port);
    drain.setDaemon(true);
    drain.start();
    try {
      ready.get(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      kill(p);
      throw new IllegalStateException(script + " on port " + port + " did not come up: " + outputTail());
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The script's pid while it runs. */
  synchronized long pid() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(script + " on port " + port + " is not running");
    }
    return process.pid();
  }

  void freeze() {
    Processes.signal(pid(), "STOP");
  }

  void thaw() {
    Processes.signal(pid(), "CONT");
  }

  /** SIGKILL: returns once it is gone and its port refuses connections. */
  synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    kill(p);
    if (!Processes.waitFor(5000, () -> !connects(port))) {
      throw new IllegalStateException("port " + port + " still accepts after " + script + " was killed");
    }
  }

  private void kill(Process p) {
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!Processes.waitFor(5000, () -> !Processes.isRunning(p.pid()))) {
      throw new IllegalStateException(script + " " + p.pid() + " survived SIGKILL");
    }
  }

  /** Reads the script's output to its end, so its pipe never fills; the ready line completes {@code ready}. */
  private void drain(Process p, CompletableFuture<String> ready) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith("ready ")) {
          ready.complete(line.substring("ready ".length()));
        } else if (line.equals("session opened")) {
          sessionsOpened.incrementAndGet();
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

  /** Debian's own python3 when there is one: the RTSP camera needs its python3-gi (a pyenv python lacks it). */
  private static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** The project root: the working directory under Maven, else found upwards from these classes. */
  private Path projectDir() {
    Path cwd = Paths.get("").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve(script))) {
      return cwd;
    }
    try {
      Path dir = Paths.get(CameraScript.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(script))) {
          return dir;
        }
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // Fall through to the error below.
    }
    throw new IllegalStateException(script + " not found from " + cwd + " nor above the test classes");
  }
}
