package io.visionroi.app;

import java.nio.file.Path;

/**
 * The command line of contract §1: {@code --config FILE [--cluster]}.
 *
 * @param config  the config file (default {@code conf/config.json})
 * @param cluster join a Vert.x cluster
 */
record CommandLine(Path config, boolean cluster) {

  static final String USAGE = "usage: java -jar visionroi.jar [--config FILE] [--cluster]";

  static CommandLine parse(String... args) {
    Path config = Path.of("conf", "config.json");
    boolean cluster = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--config needs a file");
          }
          config = Path.of(args[++i]);
        }
        case "--cluster" -> cluster = true;
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    return new CommandLine(config, cluster);
  }
}
