package io.visionroi.app;

import java.nio.file.Path;

/**
 * The command line (README): {@code --config FILE [--cluster]}, and {@code --check-config}.
 *
 * @param config    the config file (default {@code conf/config.json})
 * @param cluster   join a Vert.x cluster
 * @param checkOnly validate the config (exit 0 or 2) and start nothing
 */
record CommandLine(Path config, boolean cluster, boolean checkOnly) {

  static final String USAGE = "usage: java -jar visionroi.jar [--config FILE] [--cluster] [--check-config]";

  static CommandLine parse(String... args) {
    Path config = Path.of("conf", "config.json");
    boolean cluster = false;
    boolean checkOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--config needs a file");
          }
          config = Path.of(args[++i]);
        }
        case "--cluster" -> cluster = true;
        case "--check-config" -> checkOnly = true;
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    return new CommandLine(config, cluster, checkOnly);
  }
}
