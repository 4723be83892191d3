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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drains ffmpeg's stderr (so ffmpeg never blocks on a full pipe) and keeps its last lines, masked. ffmpeg
 * runs with {@code -loglevel level+info}, so each line says its level: the last error names why ffmpeg
 * gave up, and the input's {@code Stream #0:0: Video: <codec>} line, printed once the source is open, names
 * the source's codec without a second connection to the camera.
 */
final class StderrTail {

  private static final int MAX_LINES = 20;
  private static final int MAX_LINE_CHARS = 500;
  /** {@code [rtsp @ 0x55d1] [error] text} or {@code [error] text}: the context is kept, the level taken out. */
  private static final Pattern LEVELLED = Pattern.compile(
      "^(\\[[^\\]]+ @ 0x[0-9a-f]+\\] )?\\[(trace|debug|verbose|info|warning|error|fatal|panic)\\] (.*)$");
  private static final Pattern INPUT_VIDEO = Pattern.compile("^\\s*Stream #0:\\d+.*?: Video: ([A-Za-z0-9_]+)");

  private final Consumer<String> onSourceCodec;
  private final Deque<String> lines = new ArrayDeque<>();
  private String lastError;
  /** ffmpeg refused what the source sent (a protocol or format it may not use): says more than what follows. */
  private String refusal;
  private boolean codecSeen;

  /** @param onSourceCodec called once, on the reading thread, with the codec of the input's video stream */
  StderrTail(Consumer<String> onSourceCodec) {
    this.onSourceCodec = onSourceCodec;
  }

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

  void add(String raw) {
    Matcher levelled = LEVELLED.matcher(raw.strip());
    String level = levelled.matches() ? levelled.group(2) : "info";
    String text = levelled.matches() ? nullToEmpty(levelled.group(1)) + levelled.group(3) : raw.strip();
    if (text.isBlank()) {
      return;
    }
    // Masked before it is cut, so a cut never leaves part of a password in the open.
    String masked = Secrets.mask(text);
    if (masked.length() > MAX_LINE_CHARS) {
      masked = masked.substring(0, MAX_LINE_CHARS) + "...";
    }
    String codec = null;
    synchronized (this) {
      lines.addLast(masked);
      if (lines.size() > MAX_LINES) {
        lines.removeFirst();
      }
      if (level.equals("error") || level.equals("fatal") || level.equals("panic")) {
        lastError = masked;
        if (masked.contains("not on whitelist")) {
          refusal = masked;
        }
      }
      if (!codecSeen) {
        Matcher video = INPUT_VIDEO.matcher(text);
        if (video.find()) {
          codecSeen = true; // the input's streams are listed before the output's
          codec = video.group(1);
        }
      }
    }
    if (codec != null) {
      onSourceCodec.accept(codec);
    }
  }

  /** Why ffmpeg gave up: a refusal of what the source sent if there was one, else its last error, or null. */
  synchronized String lastError() {
    return refusal != null ? refusal : lastError;
  }

  /** The last {@code count} lines, oldest first. */
  synchronized List<String> last(int count) {
    return List.copyOf(lines).subList(Math.max(0, lines.size() - count), lines.size());
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
