package io.visionroi.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * JVM options that let the jar tests start the jar in half the time and CPU: a class-data-sharing archive of
 * the classes a clustered node loads (made once per build of the jar, by one training run) and the quick
 * (C1) compiler only. Three nodes starting at once on two cores otherwise keep both cores busy for 20 s and
 * take 15 s to answer; with these, 7 s. Only where the build asks for it ({@code visionroi.quickStart}):
 * the benches run the jar exactly as production does. Neither option changes what the service does.
 */
final class QuickStart {

  private QuickStart() {
  }

  /** The options for a jar start; none unless {@code -Dvisionroi.quickStart=true}. */
  static synchronized List<String> options(Path jar) throws IOException {
    if (!Boolean.getBoolean("visionroi.quickStart")) {
      return List.of();
    }
    Path archive = jar.resolveSibling(jar.getFileName() + ".jsa");
    if (!fresh(archive, jar)) {
      // The test JVMs run side by side: one trains, the others start without the archive meanwhile.
      try (FileChannel file = FileChannel.open(jar.resolveSibling(jar.getFileName() + ".jsa.lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock training = file.tryLock()) {
        if (training != null && !fresh(archive, jar)) {
          train(jar, archive);
        }
      }
    }
    List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
    if (fresh(archive, jar)) {
      // cds*=off: an archive the JVM cannot map is only a slower start, not a line in the tests' output.
      options.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off"));
    }
    return options;
  }

  private static boolean fresh(Path archive, Path jar) throws IOException {
    return Files.isRegularFile(archive) && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0;
  }

  private static boolean serves(Path log) {
    try {
      return Files.readString(log).contains("viewer at http");
    } catch (IOException e) {
      return false;
    }
  }

  private static void train(Path jar, Path archive) throws IOException {
    Path dir = Files.createTempDirectory(jar.getParent(), "quick-start-");
    try {
      Path config = Files.writeString(dir.resolve("config.json"), """
          {"http": {"host": "127.0.0.1", "port": 0}, "rtsp": {"port": 0},
           "cameras": [{"id": "training", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}""");
      Path clusterXml = Files.writeString(dir.resolve("cluster.xml"),
          ClusterNodes.shippedClusterXmlNamed("training-" + UUID.randomUUID()));
      Path partial = dir.resolve("archive.jsa");
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds*=off", "-Xms32m", "-Xmx256m",
          "-jar", jar.toAbsolutePath().toString(), "--cluster", "--config", config.toString()));
      Path log = dir.resolve("node.log");
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().put("VISIONROI_RUN_DIR", dir.resolve("run").toString());
      builder.environment().put("CLUSTER_CONFIG", clusterXml.toString());
      Process node = builder.start();
      try {
        Processes.waitFor(90_000, () -> !node.isAlive() || serves(log));
        node.destroy();
        if (node.waitFor(60, TimeUnit.SECONDS) && Files.isRegularFile(partial)) {
          Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        node.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
