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

/** Reads the config file and the environment overrides with vertx-config, then validates them. */
public final class ConfigLoader {

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

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
