package io.visionroi.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client tool run as a process (ffmpeg, ffprobe, gst-launch-1.0) with its output (stdout and stderr) kept:
 * it dies with the test JVM, even one that is SIGKILLed, and {@link #close()} kills it.
 */
public final class ToolRun implements AutoCloseable {

  private static final Pattern PROGRESS = Pattern.compile("frame=\\s*(\\d+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread drain;

  private ToolRun(Process process) {
    this.process = process;
    this.drain = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
          output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "tool-output");
    drain.setDaemon(true);
    drain.start();
  }

  public static ToolRun start(String... command) {
    List<String> line = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
    line.addAll(List.of(command));
    try {
      return new ToolRun(new ProcessBuilder(line).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the exit; its status, or -1 when it had not exited in time (it is then killed). */
  public int await(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      close();
      return -1;
    }
    drain.join(2000);
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGINT: ffmpeg and gst-launch-1.0 finish what they write and exit. */
  public void interrupt() {
    Processes.signal(process.pid(), "INT");
  }

  public String output() {
    return output.toString();
  }

  /** The frames ffmpeg's progress line ({@code -stats}) says it has read so far; 0 before the first. */
  public int framesRead() {
    Matcher m = PROGRESS.matcher(output());
    int frames = 0;
    while (m.find()) {
      frames = Integer.parseInt(m.group(1));
    }
    return frames;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
