package io.visionroi.camera;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small file per running JVM listing its ffmpeg process groups, so that the next start can kill the
 * groups a SIGKILLed run left behind ({@link #reapLeftovers}), and only those: each entry holds the pid
 * and its start time, checked again before any kill. The directory is {@code VISIONROI_RUN_DIR}, by
 * default {@code <tmpdir>/visionroi-<uid>}; several instances of one user may share it, each with its own
 * file. It must be the user's alone ({@link RunDirectory}); when it is not, nothing is recorded or reaped
 * (the parent-death signal still takes ffmpeg along with a dead JVM).
 */
public final class GroupRecord {

  private static final Logger LOG = LoggerFactory.getLogger(GroupRecord.class);
  private static final String PREFIX = "ffmpeg-groups-";
  private static final Pattern RECORD_NAME = Pattern.compile(Pattern.quote(PREFIX) + "\\d+\\.txt");

  private final Path dir;
  private final Path file;
  private final long ownPid = ProcessHandle.current().pid();
  /** False when the directory is not ours alone: then nothing is read from it or written to it. */
  private final boolean usable;

  public GroupRecord(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(PREFIX + ownPid + ".txt");
    String problem = RunDirectory.secure(dir);
    usable = problem == null;
    if (!usable) {
      LOG.error("not recording ffmpeg groups in {} (VISIONROI_RUN_DIR): {}", dir, problem);
    }
  }

  public static Path defaultDir() {
    String env = System.getenv("VISIONROI_RUN_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String uid;
    try {
      uid = String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      uid = System.getProperty("user.name");
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "visionroi-" + uid);
  }

  /** Rewrites this JVM's file with the groups now alive (atomically: a crash never leaves half a file). */
  synchronized void save(List<Long> groups) {
    if (!usable) {
      return;
    }
    try {
      List<String> lines = new ArrayList<>();
      lines.add("jvm " + ownPid + " " + ProcStat.of(ownPid).map(ProcStat::startTime).orElse(-1L));
      for (long pid : groups) {
        ProcStat.of(pid).ifPresent(stat -> lines.add("ffmpeg " + pid + " " + stat.startTime()));
      }
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.write(tmp, lines);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot record ffmpeg groups in {}: {}", file, e.toString());
    }
  }

  /** After a clean stop nothing is left to reap. */
  public synchronized void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", file, e.toString());
    }
  }

  /**
   * Kills the ffmpeg groups recorded by runs that are gone (not by running instances), after checking that
   * each pid is still the same ffmpeg, group leader, with the recorded start time.
   *
   * @return how many groups were killed
   */
  public int reapLeftovers() {
    int killed = 0;
    if (!usable) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path leftover : files.filter(p -> RECORD_NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (!leftover.equals(file)) {
          killed += reap(leftover);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", dir, e.toString());
    }
    return killed;
  }

  private int reap(Path leftover) throws IOException {
    List<long[]> entries = new ArrayList<>();
    long[] owner = null;
    for (String line : Files.readAllLines(leftover)) {
      String[] f = line.trim().split(" ");
      if (f.length != 3 || !f[1].matches("\\d+") || !f[2].matches("-?\\d+")) {
        LOG.warn("{}: ignoring the line '{}', not a record of this service", leftover, line);
        continue;
      }
      long[] entry = {Long.parseLong(f[1]), Long.parseLong(f[2])};
      if (f[0].equals("jvm")) {
        owner = entry;
      } else if (f[0].equals("ffmpeg")) {
        entries.add(entry);
      }
    }
    if (owner != null && isSame(owner, null)) {
      return 0; // another instance, alive: its groups are its own
    }
    List<Long> toKill = entries.stream().filter(e -> isSame(e, "ffmpeg")).map(e -> e[0]).toList();
    if (!toKill.isEmpty()) {
      FfmpegProcess.killGroups(toKill);
      LOG.warn("killed {} ffmpeg group(s) left by a previous run (pid {}): {}", toKill.size(),
          owner == null ? "?" : owner[0], toKill);
    }
    Files.deleteIfExists(leftover);
    return toKill.size();
  }

  /** True when pid entry[0] still runs with start time entry[1] (and the given command, if any). */
  private static boolean isSame(long[] entry, String command) {
    Optional<ProcStat> stat = ProcStat.of(entry[0]);
    return stat.isPresent() && !stat.get().isZombie() && stat.get().startTime() == entry[1]
        && (command == null || (command.equals(stat.get().command()) && stat.get().group() == entry[0]));
  }
}
