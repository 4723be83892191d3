package io.visionroi.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real signals and /proc look-ups for tests. */
public final class Processes {

  private Processes() {
  }

  public static void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The process group of a live process, from /proc/PID/stat; -1 when it is gone. */
  public static long processGroup(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException e) {
      return -1;
    }
  }

  /** True while the pid exists and is not a zombie. */
  public static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /** The running ffmpeg processes whose command line holds {@code needle} (a camera's port or URL). */
  public static java.util.List<Long> ffmpegWith(String needle) {
    try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.map(p -> p.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> {
            try {
              String[] argv = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0");
              return argv.length > 0 && argv[0].endsWith("ffmpeg") && String.join(" ", argv).contains(needle);
            } catch (IOException e) {
              return false;
            }
          })
          .filter(Processes::isRunning)
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits until {@code condition} holds, polling; false at the timeout. */
  public static boolean waitFor(long timeoutMillis, java.util.function.BooleanSupplier condition) {
    return waitFor(timeoutMillis, 20, condition);
  }

  /** {@link #waitFor(long, java.util.function.BooleanSupplier)}, checking every {@code everyMillis}. */
  public static boolean waitFor(long timeoutMillis, long everyMillis, java.util.function.BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(everyMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
