package io.visionroi.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the config file and the environment overrides with vertx-config, then validates them. */
public final class ConfigLoader {

  private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private ConfigLoader() {
  }

  /** Fails with a {@link ConfigException} for a missing, unreadable or invalid file. */
  public static Future<ServiceConfig> load(Vertx vertx, Path file) {
    if (!Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException(List.of(file + ": config file not found")));
    }
    ConfigStoreOptions fileStore = new ConfigStoreOptions()
        .setType("file")
        .setFormat("json")
        .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
    ConfigStoreOptions envStore = new ConfigStoreOptions()
        .setType("env")
        .setConfig(new JsonObject()
            .put("keys", new JsonArray(EnvOverrides.names()))
            .put("raw-data", true));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setScanPeriod(0)
        .addStore(fileStore)
        .addStore(envStore));
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new ConfigException(List.of(file + ": not valid JSON: " + rootMessage(e)))))
        .map(merged -> ConfigParser.parse(EnvOverrides.apply(merged)))
        .eventually(retriever::close);
  }

  /** The parser's first line and where it stopped, without Jackson's multi-line source dump. */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String message = String.valueOf(t.getMessage());
    Matcher at = LOCATION.matcher(message);
    String first = message.lines().findFirst().orElse(message)
        .replaceAll("\\s*\\((start marker )?at \\[Source:[^]]*]\\)", "");
    return at.find() ? first + " (line " + at.group(1) + ", column " + at.group(2) + ")" : first;
  }
}
