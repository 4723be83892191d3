package io.visionroi.support;

import io.visionroi.app.Service;
import io.visionroi.cluster.SingleNodePlacement;
import io.visionroi.config.ConfigParser;
import io.visionroi.config.ServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The whole service in this JVM, on its own Vert.x, on a free loopback port; closing it stops everything. */
public final class RunningService implements AutoCloseable {

  public final Vertx vertx;
  public final int port;
  private final Service service;
  private final JsonObject http;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningService(Vertx vertx, Service service, JsonObject http) {
    this.vertx = vertx;
    this.port = service.httpPort();
    this.service = service;
    this.http = http;
  }

  /** Starts the service with {@code config} (the config file's JSON); http goes to 127.0.0.1 on a free port. */
  public static RunningService start(JsonObject config) throws Exception {
    return start(config, new JsonObject());
  }

  /** The same, with more {@code http} settings (e.g. auth). */
  public static RunningService start(JsonObject config, JsonObject http) throws Exception {
    JsonObject httpHere = http.copy().put("host", "127.0.0.1").put("port", 0);
    ServiceConfig parsed = ConfigParser.parse(withRtspOff(config).put("http", httpHere));
    Vertx vertx = Service.newVertx();
    Service service = Service.deploy(vertx, parsed, new SingleNodePlacement(), port -> "test-node").toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    return new RunningService(vertx, service, httpHere);
  }

  /** A copy of the config with the RTSP re-stream off unless it says otherwise: tests share no fixed port. */
  public static JsonObject withRtspOff(JsonObject config) {
    JsonObject copy = config.copy();
    if (!copy.containsKey("rtsp")) {
      copy.put("rtsp", new JsonObject().put("port", 0));
    }
    return copy;
  }

  /** An edited config file, as the file watcher hands it over (ConfigReloadIT covers the watching itself). */
  public void reload(JsonObject config) throws Exception {
    service.apply(ConfigParser.parse(withRtspOff(config).put("http", http))).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  public HttpResponse<byte[]> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<byte[]> post(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public JsonObject getJson(String path) throws Exception {
    return new JsonObject(new String(get(path).body()));
  }

  /** The camera's status as the API answers it (to the configured user, when http.auth is set). */
  public JsonObject status(String cameraId) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/cameras/"
          + cameraId)).timeout(Duration.ofSeconds(10));
      JsonObject auth = http.getJsonObject("auth");
      if (auth != null) {
        request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            (auth.getString("user") + ":" + auth.getString("password")).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      return new JsonObject(new String(client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()).body()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The camera's viewers on this service, from its own gauge in /metrics. */
  public int viewers(String cameraId) {
    try {
      return (int) new String(get("/metrics").body(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> l.startsWith("visionroi_camera_viewers{") && l.contains("camera=\"" + cameraId + "\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the camera is in {@code state}; false at the timeout. */
  public boolean awaitState(String cameraId, String state, long timeoutMillis) {
    return Processes.waitFor(timeoutMillis, () -> state.equals(status(cameraId).getString("state")));
  }

  public ViewerClient viewer(String cameraId) throws Exception {
    return viewer(cameraId, "");
  }

  /** A viewer with a query string ({@code "?format=mp4"}), or "" for none. */
  public ViewerClient viewer(String cameraId, String query) throws Exception {
    return ViewerClient.connect(vertx, port, "/ws/cameras/" + cameraId + query);
  }

  /**
   * What the page does after a 1013: connect again and again until frames come. Returns the viewer that
   * got one, or null at the timeout.
   */
  public ViewerClient reconnectUntilFrames(String cameraId, long timeoutMillis) throws Exception {
    return reconnectUntilFrames(cameraId, "", timeoutMillis);
  }

  public ViewerClient reconnectUntilFrames(String cameraId, String query, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      ViewerClient attempt = viewer(cameraId, query);
      if (attempt.awaitFrames(1, Math.min(1000, Math.max(0, deadline - System.currentTimeMillis())))) {
        return attempt;
      }
      attempt.close();
    }
    return null;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
