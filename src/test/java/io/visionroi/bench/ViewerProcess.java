package io.visionroi.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket viewers in a process of their own ({@code scripts/ws-viewers.mjs} on Node), so that what a bench
 * measures of the service's JVM is not shared with its viewers' work. Ends with the bench (its standard input
 * closes).
 */
final class ViewerProcess implements AutoCloseable {

  private final Process node;
  private volatile long received;
  private volatile long closed;
  private long reports;

  private ViewerProcess(Process node) {
    this.node = node;
    Thread reader = new Thread(this::read, "viewers-" + node.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** One viewer per path ({@code /ws/cameras/c0}) of the service on 127.0.0.1:{@code port}. */
  static ViewerProcess start(int port, List<String> paths) throws IOException {
    List<String> command = new ArrayList<>(List.of("node", "--experimental-websocket", "--no-warnings",
        "scripts/ws-viewers.mjs"));
    paths.forEach(path -> command.add("ws://127.0.0.1:" + port + path));
    return new ViewerProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** Messages received by all its viewers so far, as of its next report (within a second): a window's edge. */
  synchronized long awaitReport() throws InterruptedException {
    long before = reports;
    while (reports == before) {
      wait(5000);
      if (reports == before && !node.isAlive()) {
        throw new IllegalStateException("the viewers' process exited: " + node.exitValue());
      }
    }
    return received;
  }

  long closed() {
    return closed;
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] counts = line.trim().split(" ");
        synchronized (this) {
          received = Long.parseLong(counts[0]);
          closed = Long.parseLong(counts[1]);
          reports++;
          notifyAll();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone
    }
  }

  @Override
  public void close() throws InterruptedException {
    node.destroy();
    if (!node.waitFor(5, TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
  }
}
