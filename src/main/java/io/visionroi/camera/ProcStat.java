package io.visionroi.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few fields of {@code /proc/PID/stat} that identify a process for sure: pids get reused, but not
 * together with the same start time.
 *
 * @param command   the executable's name (comm), e.g. {@code ffmpeg}
 * @param state     R, S, T, Z, ...
 * @param group     the process group id
 * @param startTime clock ticks after boot when it started
 */
record ProcStat(String command, char state, long group, long startTime) {

  static Optional<ProcStat> of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      // After the name: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
      // cutime cstime priority nice num_threads itrealvalue starttime
      String[] fields = stat.substring(close + 2).split(" ");
      return Optional.of(new ProcStat(stat.substring(open + 1, close), fields[0].charAt(0), Long.parseLong(fields[2]),
          Long.parseLong(fields[19])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  boolean isZombie() {
    return state == 'Z';
  }
}
