package io.visionroi.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment variables of the README's configuration table and the config keys they override. The environment beats the
 * file. Values arrive as raw strings (vertx-config env store, raw-data) and are typed here, so a bad value
 * is reported under its variable's name.
 */
public final class EnvOverrides {

  private enum Kind { NUMBER, PORT, TEXT }

  private record Target(String section, String key, Kind kind) {
  }

  private static final Map<String, Target> TARGETS = new LinkedHashMap<>();

  static {
    TARGETS.put("STREAM_OUTAGE_GRACE", new Target("stream", "outageGrace", Kind.NUMBER));
    TARGETS.put("STREAM_OUTAGE_RETRY", new Target("stream", "outageRetry", Kind.NUMBER));
    TARGETS.put("STREAM_FIRST_FRAME_TIMEOUT", new Target("stream", "firstFrameTimeout", Kind.NUMBER));
    TARGETS.put("STREAM_MAX_FRAME_DELAY", new Target("stream", "maxFrameDelay", Kind.NUMBER));
    TARGETS.put("STREAM_SEND_TIMEOUT", new Target("stream", "sendTimeout", Kind.NUMBER));
    TARGETS.put("HTTP_PORT", new Target("http", "port", Kind.PORT));
    TARGETS.put("HTTP_HOST", new Target("http", "host", Kind.TEXT));
    TARGETS.put("RTSP_PORT", new Target("rtsp", "port", Kind.PORT));
    TARGETS.put("FFMPEG_PATH", new Target("ffmpeg", "path", Kind.TEXT));
    TARGETS.put("HTTP_AUTH_USER", new Target("http.auth", "user", Kind.TEXT));
    TARGETS.put("HTTP_AUTH_PASSWORD", new Target("http.auth", "password", Kind.TEXT));
    TARGETS.put("HTTP_TLS_CERT", new Target("http.tls", "cert", Kind.TEXT));
    TARGETS.put("HTTP_TLS_KEY", new Target("http.tls", "key", Kind.TEXT));
  }

  private EnvOverrides() {
  }

  /** The variable names, for the env store's key filter. */
  public static List<String> names() {
    return List.copyOf(TARGETS.keySet());
  }

  /**
   * Moves every override variable found at the top level of {@code merged} (where vertx-config's env store
   * puts them) to the key it overrides, and returns the result; {@code merged} is not changed.
   */
  public static JsonObject apply(JsonObject merged) {
    JsonObject config = merged.copy();
    List<String> problems = new ArrayList<>();
    TARGETS.forEach((name, target) -> {
      Object raw = config.remove(name);
      if (raw == null) {
        return;
      }
      String text = String.valueOf(raw).trim();
      Object value = switch (target.kind()) {
        case TEXT -> text;
        case NUMBER -> parse(text, false);
        case PORT -> parse(text, true);
      };
      if (value == null) {
        problems.add(name + " (overrides " + target.section() + "." + target.key() + "): '" + text + "' is not "
            + (target.kind() == Kind.PORT ? "a whole number" : "a number"));
        return;
      }
      JsonObject section = config;
      for (String part : target.section().split("\\.")) {
        Object inner = section.getValue(part);
        if (inner != null && !(inner instanceof JsonObject)) {
          return; // the parser reports the malformed section itself
        }
        if (inner == null) {
          inner = new JsonObject();
          section.put(part, inner);
        }
        section = (JsonObject) inner;
      }
      section.put(target.key(), value);
    });
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private static Object parse(String text, boolean whole) {
    try {
      return whole ? (Object) Integer.parseInt(text) : (Object) Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
