package io.visionroi.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.visionroi.support.ClusterNodes.cameras;

/** Asks one node's {@code /api/cameras} at a steady pace until closed; what it called {@code stopped}, and when. */
public final class ApiWatch implements AutoCloseable {

  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final Thread thread;

  public ApiWatch(int port, long everyMillis) {
    thread = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        long at = System.currentTimeMillis();
        cameras(port).stream().filter(c -> "stopped".equals(c.getString("state")))
            .forEach(c -> stopped.add(at + " " + c.getString("id") + ": " + c.getString("reason")));
        try {
          Thread.sleep(everyMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "api-watch-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  /** Each answer of a camera {@code stopped}: "epoch-ms id: reason". */
  public List<String> stopped() {
    return List.copyOf(stopped);
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(5000);
  }
}
