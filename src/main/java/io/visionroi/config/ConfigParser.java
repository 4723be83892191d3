package io.visionroi.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the config JSON into a {@link ServiceConfig}, or a {@link ConfigException} listing every problem
 * with its key path ({@code cameras[2].url: ...}). Unknown keys and wrong types are errors, never ignored.
 */
public final class ConfigParser {

  /** Loopback: nothing is reachable from the network until the operator says so, with a password. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_RTSP_PORT = 8554;
  /** Long enough for an RTSP camera with a 10 s keyframe interval: set-up, a whole GOP, probing. */
  public static final double DEFAULT_FIRST_FRAME_TIMEOUT = 20;
  private static final double MAX_SECONDS = 3600;
  private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> CAMERA_KEYS = Set.of("id", "name", "url", "enabled", "rtspTransport", "timeout",
      "inputArgs", "width", "height", "fps", "quality", "passthrough", "output", "onDemand",
      "idleStop");
  private static final List<String> RTSP_TRANSPORTS = List.of("tcp", "udp", "udp_multicast", "http", "https");

  private final List<String> problems = new ArrayList<>();

  private ConfigParser() {
  }

  public static ServiceConfig parse(JsonObject json) {
    return new ConfigParser().service(json);
  }

  private ServiceConfig service(JsonObject root) {
    allowOnly(root, "", Set.of("http", "rtsp", "stream", "ffmpeg", "cameras"));

    JsonObject http = section(root, "http", Set.of("host", "port", "auth", "tls", "anonymous", "allowedHosts",
        "allowedOrigins", "maxConnections", "maxViewers"));
    String host = string(http, "http.host", "host", DEFAULT_HOST);
    int port = integer(http, "http.port", "port", DEFAULT_PORT, 0, 65535);
    ServiceConfig.BasicAuth auth = auth(http);
    ServiceConfig.Tls tls = tls(http);
    HttpAccess access = new HttpAccess(bool(http, "http.anonymous", "anonymous", false),
        strings(http, "http.allowedHosts", "allowedHosts", "a list of host names"),
        strings(http, "http.allowedOrigins", "allowedOrigins", "a list of origins like https://nvr.example:8443"),
        integer(http, "http.maxConnections", "maxConnections", HttpAccess.DEFAULT_MAX_CONNECTIONS, 1, 100_000),
        integer(http, "http.maxViewers", "maxViewers", HttpAccess.DEFAULT_MAX_VIEWERS, 1, 100_000));
    if (auth == null && !access.anonymous() && !HttpAccess.isLoopback(host)) {
      problems.add("http.auth: required when http.host is " + host + ", which other machines can reach"
          + " (set http.auth with a user and password, or http.anonymous: true to let anyone on the network"
          + " watch and restart the cameras)");
    } else if (auth != null && !HttpAccess.isLoopback(host) && auth.password().length() < MIN_NETWORK_PASSWORD) {
      problems.add("http.auth.password: at least " + MIN_NETWORK_PASSWORD + " characters when http.host is " + host
          + ", which other machines can reach (scripts/install-service.sh makes one of about 24)");
    }

    JsonObject rtsp = section(root, "rtsp", Set.of("port"));
    int rtspPort = integer(rtsp, "rtsp.port", "port", DEFAULT_RTSP_PORT, 0, 65535);
    if (rtspPort != 0 && rtspPort == port) {
      problems.add("rtsp.port: " + rtspPort + " is http.port too: give the RTSP re-stream a port of its own, or 0 for none");
    }

    JsonObject stream = section(root, "stream", Set.of("outageGrace", "outageRetry", "firstFrameTimeout", "maxFrameDelay",
        "sendTimeout"));
    StreamSettings timings = new StreamSettings(
        seconds(stream, "stream.outageGrace", "outageGrace", 3.5),
        seconds(stream, "stream.outageRetry", "outageRetry", 1.5),
        firstFrameTimeout(stream),
        seconds(stream, "stream.maxFrameDelay", "maxFrameDelay", 1.5),
        seconds(stream, "stream.sendTimeout", "sendTimeout", 0.6));

    JsonObject ffmpeg = section(root, "ffmpeg", Set.of("path"));
    String ffmpegPath = string(ffmpeg, "ffmpeg.path", "path", "ffmpeg");

    List<CameraConfig> cameras = cameras(root);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ServiceConfig(host, port, rtspPort, auth, tls, access, timings, ffmpegPath, cameras);
  }

  /** The port's certificate and key (PEM files the service can read), or null for plain HTTP. */
  private ServiceConfig.Tls tls(JsonObject http) {
    JsonObject tls = optionalObject(http, "tls", "http.tls", Set.of("cert", "key"),
        "cert and key (paths of PEM files)");
    if (tls == null) {
      return null;
    }
    String cert = readableFile(tls, "http.tls.cert", "cert");
    String key = readableFile(tls, "http.tls.key", "key");
    return cert == null || key == null ? null : new ServiceConfig.Tls(cert, key);
  }

  /** An object that may be left out, or null (a problem named when it is there but no object). */
  private JsonObject optionalObject(JsonObject parent, String key, String path, Set<String> allowed, String holding) {
    Object value = parent.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      problems.add(path + ": must be an object with " + holding);
      return null;
    }
    allowOnly(object, path + ".", allowed);
    return object;
  }

  private String readableFile(JsonObject section, String name, String key) {
    String path = required(section, name, key);
    if (path != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
      problems.add(name + ": cannot read '" + path + "' (a PEM file the service's user may read)");
      return null;
    }
    return path;
  }

  /** A password that guards a port other machines reach: long enough that guessing it over HTTP is hopeless. */
  static final int MIN_NETWORK_PASSWORD = 12;

  private ServiceConfig.BasicAuth auth(JsonObject http) {
    JsonObject auth = optionalObject(http, "auth", "http.auth", Set.of("user", "password"), "user and password");
    if (auth == null) {
      return null;
    }
    String user = required(auth, "http.auth.user", "user");
    if (auth.getValue("password") == null) {
      problems.add("http.auth.password: is required");
      return null;
    }
    if (!(auth.getValue("password") instanceof String password) || password.isEmpty()) {
      problems.add("http.auth.password: must be a non-empty string");
      return null;
    }
    Secrets.remember(password);
    return user == null ? null : new ServiceConfig.BasicAuth(user, password);
  }

  private List<CameraConfig> cameras(JsonObject root) {
    Object value = root.getValue("cameras");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      problems.add("cameras: must be an array of camera objects");
      return List.of();
    }
    List<CameraConfig> cameras = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String path = "cameras[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject camera)) {
        problems.add(path + ": must be an object with at least id and url");
        continue;
      }
      cameras.add(camera(camera, path, ids));
    }
    return cameras;
  }

  /** One camera at {@code path}; {@code ids} holds the ids of the cameras before it, and gets its own. */
  private CameraConfig camera(JsonObject camera, String path, Set<String> ids) {
    allowOnly(camera, path + ".", CAMERA_KEYS);
    String id = required(camera, path + ".id", "id");
    String url = required(camera, path + ".url", "url");
    String name = string(camera, path + ".name", "name", id);
    checkId(id, path, ids);
    if (url != null) {
      Secrets.rememberFromUrl(url);
      CameraSource.problem(url).ifPresent(p -> problems.add(path + ".url: " + p + " (" + Secrets.mask(url) + ")"));
    }
    String transport = rtspTransport(camera, path, url);
    String passthrough = oneOf(camera, path, "passthrough", List.of("auto", "always", "never"));
    String output = oneOf(camera, path, "output", List.of("auto", "jpeg", "mp4"));
    boolean onDemand = bool(camera, path + ".onDemand", "onDemand", false);
    if (camera.containsKey("idleStop") && !onDemand) {
      problems.add(path + ".idleStop: only with \"onDemand\": true");
    }
    CameraConfig parsed = new CameraConfig(id, name, url,
        bool(camera, path + ".enabled", "enabled", true),
        transport,
        seconds(camera, path + ".timeout", "timeout", CameraConfig.DEFAULT_TIMEOUT.toMillis() / 1000.0),
        secretsRemembered(strings(camera, path + ".inputArgs", "inputArgs",
            "a list of strings, one per argument (never one shell string)")),
        optionalInteger(camera, path + ".width", "width", 16, 7680),
        optionalInteger(camera, path + ".height", "height", 16, 4320),
        optionalNumber(camera, path + ".fps", "fps", 0.1, 120),
        integer(camera, path + ".quality", "quality", CameraConfig.DEFAULT_QUALITY, 2, 31),
        CameraConfig.Passthrough.valueOf(passthrough.toUpperCase(java.util.Locale.ROOT)),
        CameraConfig.Output.valueOf(output.toUpperCase(java.util.Locale.ROOT)),
        onDemand,
        seconds(camera, path + ".idleStop", "idleStop", CameraConfig.DEFAULT_IDLE_STOP.toMillis() / 1000.0));
    checkCombinations(parsed, path);
    return parsed;
  }

  private void checkId(String id, String path, Set<String> ids) {
    if (id == null) {
      return;
    }
    if (!CAMERA_ID.matcher(id).matches()) {
      problems.add(path + ".id: '" + id + "' must be 1 to 64 of A-Z a-z 0-9 _ -");
    } else if (!ids.add(id)) {
      problems.add(path + ".id: '" + id + "' is used by another camera");
    }
  }

  private String rtspTransport(JsonObject camera, String path, String url) {
    String transport = string(camera, path + ".rtspTransport", "rtspTransport", CameraConfig.DEFAULT_RTSP_TRANSPORT);
    if (!RTSP_TRANSPORTS.contains(transport)) {
      problems.add(path + ".rtspTransport: '" + transport + "' is not one of " + String.join(", ", RTSP_TRANSPORTS));
    } else if (camera.containsKey("rtspTransport") && url != null && CameraSource.of(url) != CameraSource.RTSP) {
      problems.add(path + ".rtspTransport: only for rtsp:// and rtsps:// cameras");
    }
    return transport;
  }

  /** One of {@code allowed}, the first being the default: what a wrong value counts as, once named. */
  private String oneOf(JsonObject camera, String path, String key, List<String> allowed) {
    String value = string(camera, path + "." + key, key, allowed.get(0));
    if (!allowed.contains(value)) {
      problems.add(path + "." + key + ": '" + value + "' is not one of " + String.join(", ", allowed));
      return allowed.get(0);
    }
    return value;
  }

  /** Settings that each are valid but not together. */
  private void checkCombinations(CameraConfig parsed, String path) {
    if (parsed.passthrough() == CameraConfig.Passthrough.ALWAYS && parsed.reshapes()) {
      problems.add(path + ".passthrough: \"always\" copies the source, so width, height and fps cannot apply");
    }
    if (parsed.output() == CameraConfig.Output.MP4 && parsed.reshapes()) {
      problems.add(path + ".output: \"mp4\" sends the source's video as it is, so width, height and fps cannot apply");
    }
    if (parsed.output() == CameraConfig.Output.MP4 && parsed.passthrough() == CameraConfig.Passthrough.ALWAYS) {
      problems.add(path + ".output: \"mp4\" is for H.264 and H.265 sources, and passthrough \"always\" says MJPEG");
    }
  }

  private void allowOnly(JsonObject object, String prefix, Set<String> allowed) {
    for (String key : object.fieldNames()) {
      if (!allowed.contains(key)) {
        problems.add(prefix + key + ": unknown key (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private JsonObject section(JsonObject root, String key, Set<String> allowed) {
    Object value = root.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      problems.add(key + ": must be an object");
      return new JsonObject();
    }
    allowOnly(object, key + ".", allowed);
    return object;
  }

  private String required(JsonObject object, String path, String key) {
    if (object.getValue(key) == null) {
      problems.add(path + ": is required");
      return null;
    }
    return string(object, path, key, null);
  }

  private String string(JsonObject object, String path, String key, String fallback) {
    Object value = object.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      problems.add(path + ": must be a string, not " + describe(value));
      return fallback;
    }
    if (text.isBlank()) {
      problems.add(path + ": must not be empty");
      return fallback;
    }
    return text;
  }

  private int integer(JsonObject object, String path, String key, int fallback, int min, int max) {
    Object value = object.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      problems.add(path + ": must be a whole number, not " + describe(value));
      return fallback;
    }
    long n = number.longValue();
    if (n < min || n > max) {
      problems.add(path + ": " + n + " is out of range " + min + ".." + max);
      return fallback;
    }
    return (int) n;
  }

  private boolean bool(JsonObject object, String path, String key, boolean fallback) {
    Object value = object.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      problems.add(path + ": must be true or false, not " + describe(value));
      return fallback;
    }
    return b;
  }

  /** The values of options like {@code -headers} are masked wherever they appear, line by line too. */
  private static List<String> secretsRemembered(List<String> inputArgs) {
    for (int i = 0; i + 1 < inputArgs.size(); i++) {
      if (Secrets.isSecretOption(inputArgs.get(i))) {
        String value = inputArgs.get(i + 1);
        Secrets.remember(value.strip());
        value.lines().map(line -> line.substring(line.indexOf(':') + 1).strip()).forEach(Secrets::remember);
      }
    }
    return inputArgs;
  }

  private List<String> strings(JsonObject object, String path, String key, String what) {
    Object value = object.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(String.class::isInstance)) {
      problems.add(path + ": must be " + what);
      return List.of();
    }
    return array.stream().map(String.class::cast).toList();
  }

  private Integer optionalInteger(JsonObject object, String path, String key, int min, int max) {
    return object.getValue(key) == null ? null : integer(object, path, key, min, min, max);
  }

  private Double optionalNumber(JsonObject object, String path, String key, double min, double max) {
    Object value = object.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number) || number.doubleValue() < min || number.doubleValue() > max) {
      problems.add(path + ": must be a number from " + min + " to " + max + ", not " + describe(value));
      return null;
    }
    return number.doubleValue();
  }

  /** Never off: a new ffmpeg that hangs before its first frame must be replaced some time. */
  private Duration firstFrameTimeout(JsonObject stream) {
    Duration timeout = seconds(stream, "stream.firstFrameTimeout", "firstFrameTimeout", DEFAULT_FIRST_FRAME_TIMEOUT);
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      problems.add("stream.firstFrameTimeout: must be at least 1 second (a new ffmpeg needs time to connect)");
    }
    return timeout;
  }

  private Duration seconds(JsonObject object, String path, String key, double fallback) {
    Object value = object.getValue(key);
    double s = fallback;
    if (value != null) {
      if (!(value instanceof Number number)) {
        problems.add(path + ": must be a number of seconds, not " + describe(value));
      } else if (number.doubleValue() < 0 || number.doubleValue() > MAX_SECONDS || Double.isNaN(number.doubleValue())) {
        problems.add(path + ": " + number + " is out of range 0.." + (int) MAX_SECONDS + " seconds");
      } else {
        s = number.doubleValue();
      }
    }
    return Duration.ofMillis(Math.round(s * 1000));
  }

  private static String describe(Object value) {
    if (value instanceof String s) {
      return "the string \"" + Secrets.mask(s) + "\"";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return value.getClass() == Boolean.class ? "a boolean" : String.valueOf(value);
  }
}
