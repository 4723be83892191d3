package io.visionroi.app;

import io.visionroi.camera.FfmpegProcess;
import io.visionroi.camera.GroupRecord;
import io.visionroi.cluster.ClusterPlacement;
import io.visionroi.cluster.SingleNodePlacement;
import io.visionroi.config.ConfigException;
import io.visionroi.config.ConfigLoader;
import io.visionroi.config.ConfigWatcher;
import io.visionroi.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Entry point: parse the command line, load the config, build Vert.x, deploy, and stop cleanly on SIGTERM
 * or SIGINT. Exit codes (README): 0 clean stop, 2 bad command line or config, 1 anything else.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  /** The whole stop must end by then, stuck verticle or not (contract: 2 s at most, plus the hand-over). */
  private static final Duration STOP_DEADLINE = Duration.ofMillis(1500);
  /**
   * In a cluster, how long a stopping node waits for the others to take its cameras make-before-break: a
   * camera's first keyframe on its new node (RTSP cameras send one every 1-4 s; one that has none by then
   * moves break-before-make, as a dead node's do).
   */
  static final Duration HANDOVER_WAIT = Duration.ofMillis(3000);
  private static final Duration RELEASE_WAIT = Duration.ofMillis(300);
  private static final Duration VERTX_CLOSE_WAIT = Duration.ofMillis(1000);

  /** Set once started, for the shutdown hook. */
  private static volatile Vertx vertx;
  private static volatile Service service;
  /** Whether this node is one of a cluster: its stop hands its cameras over first. */
  private static volatile boolean clusteredStop;
  /** What the JVM exits with once the shutdown hook has run. */
  private static volatile int exitStatus = EXIT_OK;

  private Main() {
  }

  public static void main(String[] args) {
    CommandLine commandLine;
    try {
      commandLine = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("visionroi: " + e.getMessage() + "\n" + CommandLine.USAGE);
      System.exit(EXIT_USAGE);
      return;
    }

    ServiceConfig config;
    ClusterSetup cluster;
    try {
      config = load(commandLine.config());
      cluster = commandLine.cluster() ? ClusterSetup.load(commandLine.config()) : null;
    } catch (ConfigException e) {
      System.err.println("visionroi: " + commandLine.config() + ": " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    if (commandLine.checkOnly()) {
      System.out.println("visionroi: " + commandLine.config() + ": valid, " + config.cameras().size() + " camera(s)"
          + (cluster == null ? "" : "; cluster config " + cluster.source() + ": valid"));
      System.exit(EXIT_OK);
      return;
    }
    start(commandLine, config, cluster);
  }

  /** Starts the service, alone or in the cluster; exits with {@link #EXIT_FAILURE} if it cannot. */
  private static void start(CommandLine commandLine, ServiceConfig config, ClusterSetup cluster) {
    GroupRecord groups = new GroupRecord(GroupRecord.defaultDir());
    clusteredStop = cluster != null;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(groups), "visionroi-stop"));
    try {
      groups.reapLeftovers();
      FfmpegProcess.recordGroupsIn(groups);
      if (cluster == null) {
        vertx = Service.newVertx();
        service = await(Service.deploy(vertx, config, new SingleNodePlacement(), port -> NodeName.of(null)));
      } else {
        joinCluster(config, cluster);
      }
      new ConfigWatcher(vertx, commandLine.config(), service::apply, service::refuse).start();
      LOG.info("VisionROI started: {} camera(s), viewer at {}://localhost:{}/", config.cameras().size(),
          config.tls() == null ? "http" : "https", service.httpPort());
    } catch (RuntimeException e) {
      if (rootCause(e) instanceof BindException bind) {
        LOG.error("{}", bind.getMessage()); // says which port, and the key that sets it
      } else {
        LOG.error("cannot start: {}", e.getMessage(), e);
      }
      exitStatus = EXIT_FAILURE;
      System.exit(EXIT_FAILURE);
    }
  }

  private static void joinCluster(ServiceConfig config, ClusterSetup cluster) {
    LOG.info("joining the cluster ({})", cluster.source());
    ClusterSetup.Joined joined = await(cluster.join());
    vertx = joined.vertx();
    service = await(Service.deploy(vertx, config, new ClusterPlacement(vertx, joined.manager(),
        cluster.fencing(joined.manager())), NodeName::of));
    LOG.info("joined the cluster as {}: {} node(s)", NodeName.of(service.httpPort()),
        joined.manager().getNodes().size());
  }

  /** Loads and validates the config with a Vert.x of its own, before any cluster is joined. */
  private static ServiceConfig load(Path file) {
    Vertx loader = Vertx.vertx();
    try {
      return await(ConfigLoader.load(loader, file));
    } finally {
      loader.close();
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The shutdown hook (SIGTERM, SIGINT, System.exit). ffmpeg groups are killed first, directly, so the
   * guarantee "no ffmpeg left" never depends on a verticle; in a cluster this node's cameras are then given
   * up, so other nodes start them at once; then Vert.x closes (viewers get 1001) within a bound; a deadline
   * thread halts the JVM if anything hangs. halt() also gives exit code 0 instead of the JVM's 143/130
   * after a signal.
   */
  private static void stop(GroupRecord groups) {
    long begin = System.nanoTime();
    LOG.info("stopping");
    boolean clustered = clusteredStop;
    Thread deadline = new Thread(() -> {
      try {
        Thread.sleep(STOP_DEADLINE.toMillis() + (clustered ? HANDOVER_WAIT.toMillis() : 0));
      } catch (InterruptedException e) {
        return;
      }
      LOG.warn("stop deadline of {} ms reached: halting", STOP_DEADLINE.toMillis());
      FfmpegProcess.stopAll(Duration.ofMillis(200));
      Runtime.getRuntime().halt(exitStatus);
    }, "visionroi-stop-deadline");
    deadline.setDaemon(true);
    deadline.start();

    if (service != null && clustered) {
      awaitQuietly("handing cameras to other nodes", service.handOverCameras(), HANDOVER_WAIT);
    }
    FfmpegProcess.stopAll(Duration.ofMillis(500));
    if (service != null) {
      awaitQuietly("releasing cameras", service.releaseCameras(), RELEASE_WAIT);
    }
    if (vertx != null) {
      awaitQuietly("closing Vert.x", vertx.close(), VERTX_CLOSE_WAIT);
    }
    FfmpegProcess.stopAll(Duration.ofMillis(200)); // anything a verticle started while closing
    groups.delete();
    LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    Runtime.getRuntime().halt(exitStatus);
  }

  private static void awaitQuietly(String what, Future<?> future, Duration bound) {
    try {
      future.toCompletionStage().toCompletableFuture().get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("{} did not finish cleanly: {}", what, e.toString());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }
}
