package io.visionroi.config;

import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Watches the config file and loads it again (with {@link ConfigLoader}, so with vertx-config and the
 * environment overrides) whenever its modification time or size changes. Each load ends in exactly one
 * call: {@code onValid} or {@code onInvalid}.
 * <p>
 * Why not vertx-config's own scan and listener: it calls its listeners only when the content differs from
 * the last <em>good</em> one, so a broken edit that is then undone would never be reported as fixed.
 */
public final class ConfigWatcher {

  public static final long SCAN_MILLIS = 1000;

  private final Vertx vertx;
  private final Path file;
  private final Consumer<ServiceConfig> onValid;
  private final Consumer<ConfigException> onInvalid;
  private String seen;
  private boolean loading;

  public ConfigWatcher(Vertx vertx, Path file, Consumer<ServiceConfig> onValid, Consumer<ConfigException> onInvalid) {
    this.vertx = vertx;
    this.file = file;
    this.onValid = onValid;
    this.onInvalid = onInvalid;
  }

  /** Starts watching; the file as it is now counts as seen (it was just loaded). */
  public void start() {
    vertx.fileSystem().props(file.toString()).onSuccess(props -> seen = signature(props));
    vertx.setPeriodic(SCAN_MILLIS, id -> scan());
  }

  private void scan() {
    if (loading) {
      return;
    }
    vertx.fileSystem().props(file.toString()).onComplete(result -> {
      String now = result.succeeded() ? signature(result.result()) : "missing";
      if (now.equals(seen)) {
        return;
      }
      seen = now;
      loading = true;
      ConfigLoader.load(vertx, file)
          .onSuccess(onValid::accept)
          .onFailure(e -> onInvalid.accept(e instanceof ConfigException c ? c
              : new ConfigException(java.util.List.of(file + ": " + e.getMessage()))))
          .onComplete(done -> loading = false);
    });
  }

  private static String signature(FileProps props) {
    return props.lastModifiedTime() + "/" + props.size();
  }
}
