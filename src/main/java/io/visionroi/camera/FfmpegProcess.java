package io.visionroi.camera;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running ffmpeg, started as the leader of its own process group (pid == pgid), so that killing it
 * means SIGKILL to the whole group. Every live instance is also known to {@link #stopAll(Duration)}, which the
 * shutdown path calls without waiting for any verticle.
 */
public final class FfmpegProcess {

  private static final Logger LOG = LoggerFactory.getLogger(FfmpegProcess.class);
  private static final Set<FfmpegProcess> LIVE = ConcurrentHashMap.newKeySet();

  /**
   * setsid: a child of the JVM is not a group leader, so setsid() succeeds and execs in place (pid kept).
   * setpriv --pdeathsig KILL: the kernel kills ffmpeg if the JVM dies, even by SIGKILL. The death signal
   * fires when the thread that forked the child ends, hence {@link #SPAWNER}, a thread that lives as long
   * as the JVM.
   */
  private static final List<String> LAUNCH_PREFIX = launchPrefix();
  private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ffmpeg-spawner");
    t.setDaemon(true);
    return t;
  });

  private static volatile GroupRecord groupRecord;
  private static volatile boolean stopping;

  private final Process process;
  private final String label;
  private volatile boolean killed;

  private FfmpegProcess(Process process, String label) {
    this.process = process;
    this.label = label;
  }

  /**
   * Starts {@code command} (program and arguments, no shell) in a new process group, its stdin /dev/null.
   *
   * @throws IOException when the program cannot be started (e.g. not found)
   */
  public static FfmpegProcess start(List<String> command, String label) throws IOException {
    return start(command, label, false);
  }

  /** The environment ffmpeg keeps: where programs are, the locale and the time zone. */
  private static final Set<String> FFMPEG_ENVIRONMENT = Set.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  /** As {@link #start(List, String)}, with a pipe on stdin ({@link #stdin()}) when {@code fed}. */
  public static FfmpegProcess start(List<String> command, String label, boolean fed) throws IOException {
    if (stopping) {
      throw new IOException("the service is stopping");
    }
    String program = command.get(0);
    if (findExecutable(program).isEmpty()) {
      throw new IOException("ffmpeg not found: '" + program + "' (set ffmpeg.path or FFMPEG_PATH)");
    }
    List<String> argv = new ArrayList<>(LAUNCH_PREFIX);
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(fed ? ProcessBuilder.Redirect.PIPE
        : ProcessBuilder.Redirect.from(new File("/dev/null")));
    // Only what ffmpeg needs of the service's environment: the rest holds secrets (HTTP_AUTH_PASSWORD, the
    // cluster keystore's password, camera URLs given as overrides) that any process could read back.
    builder.environment().keySet().retainAll(FFMPEG_ENVIRONMENT);
    Process process;
    try {
      process = SPAWNER.submit(builder::start).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting ffmpeg", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
    FfmpegProcess started = new FfmpegProcess(process, label);
    LIVE.add(started);
    saveGroups();
    process.onExit().thenRun(() -> {
      LIVE.remove(started);
      saveGroups();
    });
    return started;
  }

  /** From now on, every start and exit rewrites {@code record}, for the next run to reap after a crash. */
  public static void recordGroupsIn(GroupRecord record) {
    groupRecord = record;
    saveGroups();
  }

  private static void saveGroups() {
    GroupRecord record = groupRecord;
    if (record != null) {
      record.save(LIVE.stream().map(FfmpegProcess::pid).toList());
    }
  }

  public long pid() {
    return process.pid();
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public OutputStream stdin() {
    return process.getOutputStream();
  }

  public InputStream stderr() {
    return process.getErrorStream();
  }

  /** True once this process was killed on purpose; its exit is then no news. */
  public boolean wasKilled() {
    return killed;
  }

  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /**
   * SIGKILL to the whole group, then wait until the process is really gone (reaped by the JVM, no zombie).
   * Blocks up to {@code timeout}: call it from a worker thread, never an event loop.
   *
   * @return true when the process is gone
   */
  public boolean ensureGone(Duration timeout) {
    killed = true;
    if (process.isAlive()) {
      killGroups(List.of(pid()));
      process.destroyForcibly();
    }
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("{}: ffmpeg pid {} still there {} ms after SIGKILL", label, pid(), timeout.toMillis());
    }
    return !process.isAlive();
  }

  /**
   * For the shutdown path, independent of any verticle: refuses every start from now on (in a cluster
   * another node takes the cameras over, so this one must not start them again), kills every ffmpeg group
   * this JVM started with one kill(1), and waits up to {@code timeout} for them to be gone.
   */
  public static void stopAll(Duration timeout) {
    stopping = true;
    List<FfmpegProcess> all = List.copyOf(LIVE);
    if (all.isEmpty()) {
      return;
    }
    all.forEach(p -> p.killed = true);
    killGroups(all.stream().map(FfmpegProcess::pid).toList());
    all.forEach(p -> p.process.destroyForcibly());
    long deadline = System.nanoTime() + timeout.toNanos();
    for (FfmpegProcess p : all) {
      long left = deadline - System.nanoTime();
      try {
        p.process.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        LOG.error("{}: ffmpeg pid {} still there after SIGKILL", p.label, p.pid());
      }
    }
  }

  /**
   * SIGKILL to each process group, with one kill(1) for all. It misses a process that has not reached
   * setsid() yet, so callers that own a {@link Process} also destroy it directly.
   */
  static void killGroups(List<Long> groups) {
    List<String> kill = new ArrayList<>(List.of("kill", "-KILL", "--"));
    groups.forEach(pgid -> kill.add("-" + pgid));
    try {
      Process killer = new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!killer.waitFor(1, TimeUnit.SECONDS)) {
        killer.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.error("cannot run kill(1): {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> launchPrefix() {
    List<String> prefix = new ArrayList<>();
    prefix.add(findExecutable("setsid").orElseThrow(() -> new IllegalStateException(
        "setsid not found on PATH (Debian package util-linux); it puts each ffmpeg in its own process group")));
    findExecutable("setpriv").ifPresent(setpriv -> prefix.addAll(List.of(setpriv, "--pdeathsig", "KILL", "--")));
    return List.copyOf(prefix);
  }

  /** The program itself when it is a path, else its first match on PATH; empty when not executable. */
  static Optional<String> findExecutable(String program) {
    if (program.contains(File.separator)) {
      return Files.isExecutable(Path.of(program)) ? Optional.of(program) : Optional.empty();
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
