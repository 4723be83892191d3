package io.visionroi.support;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a test opened (cameras, services, viewers), closed in the reverse order: a service before its cameras. */
public final class Resources implements AutoCloseable {

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Remembers it for closing; null (nothing was opened) is passed through, for the test to assert on. */
  public <T extends AutoCloseable> T open(T closeable) {
    if (closeable != null) {
      opened.push(closeable);
    }
    return closeable;
  }

  /** Closes everything, even when one close fails; the first failure is thrown at the end. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
