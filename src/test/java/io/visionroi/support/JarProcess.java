package io.visionroi.support;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar ({@code target/visionroi.jar}) run as a child process, as an operator runs it. */
public final class JarProcess implements AutoCloseable {

  /** The systemd unit's. */
  private static final String UNIT_MAX_HEAP = "256m";
  private static final Pattern STARTED = Pattern.compile("viewer at https?://localhost:(\\d+)/");

  public final Process process;
  public final List<String> output = new CopyOnWriteArrayList<>();
  private volatile int port = -1;

  private JarProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "jar-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("visionroi.jar", "target/visionroi.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn package first");
    }
    return jar;
  }

  /**
   * Writes {@code config} (http on 127.0.0.1, a free port, its other http settings kept) to {@code dir} and
   * starts the jar with it.
   */
  public static JarProcess start(Path dir, JsonObject config, String... env) throws IOException {
    return startWith(List.of(), dir, List.of("--config", writeConfig(dir, config).toString()), rtspOff(config, env));
  }

  /** The same with another maximum heap than the unit's ({@code "48m"}), e.g. to find where memory runs out. */
  public static JarProcess startWithHeap(Path dir, JsonObject config, String maxHeap) throws IOException {
    return startWith(List.of(), maxHeap, dir, List.of("--config", writeConfig(dir, config).toString()),
        rtspOff(config));
  }

  /**
   * The same, as {@code scripts/run.sh &} from a script starts it: SIGINT ignored from the start (which the
   * JVM would keep), then reset by {@code env --default-signal=INT} as run.sh does.
   */
  public static JarProcess startAsBackgroundJob(Path dir, JsonObject config) throws IOException {
    return startWith(List.of("bash", "-c", "trap '' INT; exec env --default-signal=INT \"$0\" \"$@\""), dir,
        List.of("--config", writeConfig(dir, config).toString()), rtspOff(config));
  }

  private static Path writeConfig(Path dir, JsonObject config) throws IOException {
    Path file = dir.resolve("config.json");
    JsonObject http = config.getJsonObject("http", new JsonObject()).copy().put("host", "127.0.0.1").put("port", 0);
    Files.writeString(file, config.copy().put("http", http).encodePrettily());
    return file;
  }

  /**
   * The RTSP re-stream off unless the config sets it, so jars share no fixed port: by the environment, which
   * a jar from before the re-stream (a bench's baseline) ignores, where it would refuse an {@code rtsp} key.
   */
  private static String[] rtspOff(JsonObject config, String... env) {
    if (config.containsKey("rtsp") || java.util.Arrays.stream(env).anyMatch(e -> e.startsWith("RTSP_PORT="))) {
      return env;
    }
    String[] withOff = java.util.Arrays.copyOf(env, env.length + 1);
    withOff[env.length] = "RTSP_PORT=0";
    return withOff;
  }

  /** Starts the jar with these arguments, as they are; {@code env} is NAME=VALUE pairs. */
  public static JarProcess startRaw(Path dir, List<String> args, String... env) throws IOException {
    return startWith(List.of(), dir, args, env);
  }

  private static JarProcess startWith(List<String> launcher, Path dir, List<String> args, String... env)
      throws IOException {
    return startWith(launcher, UNIT_MAX_HEAP, dir, args, env);
  }

  private static JarProcess startWith(List<String> launcher, String maxHeap, Path dir, List<String> args,
      String... env) throws IOException {
    // The heap settings of scripts/visionroi.service: tests and benches run the jar as production does
    // (the jar tests start it quicker: QuickStart).
    List<String> command = new ArrayList<>(launcher);
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(QuickStart.options(jar()));
    // Vert.x's file cache (the page taken out of the jar) in the test's directory: a node the test kills
    // cannot remove its own, and /tmp must not collect them.
    command.addAll(List.of("-Xms32m", "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError",
        "-Dvertx.cacheDirBase=" + dir.resolve("vertx-cache").toAbsolutePath(), "-jar", jar().toAbsolutePath().toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    // Its orphan records go in the test's own directory, never in the machine's /tmp.
    builder.environment().put("VISIONROI_RUN_DIR", dir.resolve("run").toString());
    for (String pair : env) {
      String[] kv = pair.split("=", 2);
      builder.environment().put(kv[0], kv[1]);
    }
    return new JarProcess(builder.start());
  }

  /** Waits for the "started" log line; the HTTP port it names. */
  public int awaitStarted(long timeoutMillis) {
    if (!Processes.waitFor(timeoutMillis, () -> port > 0 || !process.isAlive())) {
      throw new IllegalStateException("not started in " + timeoutMillis + " ms:\n" + String.join("\n", output));
    }
    if (port < 0) {
      throw new IllegalStateException("exited with " + process.exitValue() + ":\n" + String.join("\n", output));
    }
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Pids of this jar's ffmpeg processes right now. */
  public List<Long> ffmpegPids() {
    return process.descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }

  /** Exit code, or throws when still running after the timeout. */
  public int awaitExit(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running " + timeoutMillis + " ms later:\n" + String.join("\n", output));
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      List<Long> ffmpeg = ffmpegPids();
      process.destroyForcibly();
      ffmpeg.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }
}
