package io.visionroi.camera;

import io.visionroi.config.Secrets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Drains ffmpeg's stderr (so ffmpeg never blocks on a full pipe) and keeps its last lines, masked. */
final class StderrTail {

  private static final int MAX_LINES = 20;
  private static final int MAX_LINE_CHARS = 500;

  private final Deque<String> lines = new ArrayDeque<>();

  /** Blocks until the stream ends; run it on its own thread. */
  void drain(InputStream stderr) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        add(line);
      }
    } catch (IOException e) {
      // The process was killed and its pipe closed: nothing more to read.
    }
  }

  synchronized void add(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return;
    }
    if (trimmed.length() > MAX_LINE_CHARS) {
      trimmed = trimmed.substring(0, MAX_LINE_CHARS) + "...";
    }
    lines.addLast(Secrets.mask(trimmed));
    if (lines.size() > MAX_LINES) {
      lines.removeFirst();
    }
  }

  /** The last line, or null when ffmpeg said nothing. */
  synchronized String lastLine() {
    return lines.peekLast();
  }

  /** The last {@code count} lines, oldest first. */
  synchronized List<String> last(int count) {
    return List.copyOf(lines).subList(Math.max(0, lines.size() - count), lines.size());
  }
}
