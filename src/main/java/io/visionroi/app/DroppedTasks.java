package io.visionroi.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;

/**
 * A camera's worker runs on a pool of its own thread, which Vert.x shuts down with the worker (a camera
 * removed, the service stopping). A task queued for it a moment before (a reader thread's last frame) is then
 * refused by the pool, and Vert.x lets that {@link RejectedExecutionException} reach the pool thread's
 * uncaught-exception handler, which printed a stack trace for nothing: the task was for a camera that is
 * gone. Those go to the debug log; every other uncaught exception is handled as before.
 */
final class DroppedTasks {

  private static final Logger LOG = LoggerFactory.getLogger(DroppedTasks.class);

  private DroppedTasks() {
  }

  static synchronized void install() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    if (previous instanceof Handler) {
      return;
    }
    Thread.setDefaultUncaughtExceptionHandler(new Handler(previous));
  }

  private record Handler(Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
    @Override
    public void uncaughtException(Thread thread, Throwable e) {
      if (e instanceof RejectedExecutionException && (String.valueOf(e.getMessage()).contains("Shutting down")
          || String.valueOf(e.getMessage()).contains("Terminated"))) {
        LOG.debug("a task for the stopped worker of thread {} was dropped", thread.getName());
      } else if (previous != null) {
        previous.uncaughtException(thread, e);
      } else {
        thread.getThreadGroup().uncaughtException(thread, e);
      }
    }
  }
}
