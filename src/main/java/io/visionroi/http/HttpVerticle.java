package io.visionroi.http;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.CameraSet;
import io.visionroi.bus.CameraState;
import io.visionroi.bus.Frame;
import io.visionroi.bus.StreamFormat;
import io.visionroi.config.CameraConfig;
import io.visionroi.config.HttpAccess;
import io.visionroi.config.ServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BasicAuthHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;

/**
 * The one HTTP port: the viewer page ({@code webroot/}), the REST API and the WebSocket bridge from the
 * event bus to viewers. Knows cameras only through the event bus, never how ffmpeg runs.
 */
public class HttpVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** How long a stop waits for viewers to receive their close frame. */
  private static final long CLOSE_WAIT_MILLIS = 300;
  /** How long a closed viewer's connection waits for the client's close frame. */
  private static final int CLOSING_TIMEOUT_SECONDS = 2;
  /** A connection that carries nothing for this long is closed (live viewers get frames all the time). */
  private static final int IDLE_TIMEOUT_SECONDS = 120;
  /** An operator's restart is taken at most this often per camera; more are answered 429. */
  private static final long RESTART_SPACING_MILLIS = 1000;
  /** Liveness and readiness: open to probes, never refused by the connection cap. */
  static final String HEALTH_PATH = "/healthz";
  static final String READY_PATH = "/readyz";

  private final ServiceConfig config;
  private final MeterRegistry registry;
  /** Why the last reload of the config file was refused, until a good one comes; null when fine. */
  private String configError;
  private final LoginThrottle logins = new LoginThrottle();
  /** {@code member} or {@code rejoining} in a cluster (as its placement says), null on a single node. */
  private String cluster;
  private CameraDirectory directory;
  private ViewerHub hub;
  private Viewers viewers;
  private HttpServer server;
  /** The RTSP re-stream, or null when rtsp.port is 0. */
  private RtspServer rtsp;
  /** How often liveness's camera counts are refreshed in the background. */
  private static final long HEALTH_COUNTS_EVERY_MILLIS = 2000;
  /** The camera counts as last asked, for liveness, which must not wait on any camera (or node). */
  private JsonObject healthCounts = countsOf(List.of());
  /** When each camera's last restart was taken (cameras of the config only: bounded). */
  private final Map<String, Long> restartedAt = new HashMap<>();

  public HttpVerticle(ServiceConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  /** The port listened on: the configured one, or the one chosen when it was 0. */
  public int port() {
    return server.actualPort();
  }

  @Override
  public void start(Promise<Void> started) {
    directory = new CameraDirectory(vertx.eventBus());
    directory.replace(config.cameras());
    hub = new ViewerHub(vertx, registry);
    viewers = new Viewers(config, hub, directory);
    followTheService();
    FrontDoor door = new FrontDoor(context, config.access().maxConnections(), registry);
    server = vertx.createHttpServer(serverOptions());
    if (config.rtspPort() != 0) {
      rtsp = new RtspServer(vertx, config.httpHost(), config.rtspPort(), config.access().maxConnections(),
          new RtspAccess(config, logins, directory, viewers), registry);
    }
    server.connectionHandler(door.connections()).invalidRequestHandler(door.invalid())
        .requestHandler(door.before(router())).listen()
        .recover(e -> Future.failedFuture(PortTaken.asBindException(e, config.httpHost(), config.httpPort(),
            "the page and the API", "http.port or HTTP_PORT")))
        .onSuccess(s -> sayWhereItListens(s.actualPort()))
        .compose(s -> rtsp == null ? Future.<Void>succeededFuture() : rtsp.listen())
        .onComplete(started);
  }

  /** The camera list after reloads, a refused config, the node's place in a cluster, the health counts. */
  private void followTheService() {
    vertx.eventBus().<CameraSet>localConsumer(Addresses.CAMERAS, m -> follow(m.body()));
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CONFIG, m -> configError = m.body().getString("error"));
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER, m -> {
      cluster = m.body().getString("state");
      directory.rejoining("member".equals(cluster) ? null : m.body().getString("reason"));
    });
    refreshHealthCounts();
    vertx.setPeriodic(HEALTH_COUNTS_EVERY_MILLIS, id -> refreshHealthCounts());
  }

  private Router router() {
    Router router = Router.router(vertx);
    // Health stays open for probes; everything else is checked for its origin, then asks for the
    // configured user, if any.
    router.get(HEALTH_PATH).handler(this::health);
    router.head(HEALTH_PATH).handler(this::health);
    router.get(READY_PATH).handler(this::readiness);
    router.head(READY_PATH).handler(this::readiness);
    router.route().handler(new RequestGuard(config.access(), config.open()));
    if (config.auth() != null) {
      router.route().handler(logins);
      router.route().handler(BasicAuthHandler.create(this::authenticate, "VisionROI"));
    }
    router.get("/api/cameras").handler(this::listCameras);
    router.head("/api/cameras").handler(this::listCameras);
    router.get("/api/cameras/:id").handler(this::getCamera);
    router.get("/api/cameras/:id/snapshot.jpg").handler(this::snapshot);
    router.get("/api/cameras/:id/frame.jpeg").handler(this::snapshot);
    router.get("/api/cameras/:id/stream.mjpeg").handler(this::openMjpegViewer);
    router.get("/api/cameras/:id/stream.mp4").handler(this::openMp4Stream);
    router.post("/api/cameras/:id/restart").handler(this::restart);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/ws/cameras/:id").handler(this::openViewer);
    router.get("/ws/:id").handler(this::openViewer);
    // The page for everything else, so a wrong method on an API path still gets its JSON 405.
    router.routeWithRegex("^/(?!api/|ws/).*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    answerErrorsInJson(router);
    return router;
  }

  private void answerErrorsInJson(Router router) {
    router.errorHandler(401, ctx -> {
      logins.refused(ctx);
      error(ctx, 401, "authentication required");
    });
    router.errorHandler(404, ctx -> error(ctx, 404, "not found: " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.request().method()));
    router.errorHandler(500, ctx -> {
      if (ctx.response().closed() || ctx.failure() instanceof IOException) {
        return; // the client went away before the answer: nobody to tell, and nothing for the operator
      }
      LOG.error("request {} failed", ctx.request().path(), ctx.failure());
      if (ctx.response().headWritten()) {
        ctx.response().reset(); // half an answer went out: end the connection rather than a second one
      } else {
        error(ctx, 500, "internal error");
      }
    });
  }

  /**
   * A client that does not answer our close frame is disconnected after 2 s, not Vert.x's default 10 s.
   * No WebSocket compression: JPEG does not compress, and deflating every frame for browsers (which all
   * offer permessage-deflate) cost about 1 ms of CPU per frame sent.
   */
  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
        .setWebSocketClosingTimeout(CLOSING_TIMEOUT_SECONDS)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tls().certPath())
          .setKeyPath(config.tls().keyPath()));
    }
    return options;
  }

  /** The address, and aloud what a port beyond loopback without a password or TLS exposes. */
  private void sayWhereItListens(int port) {
    LOG.info("listening on {}://{}:{}/", config.tls() == null ? "http" : "https", config.httpHost(), port);
    if (config.open() && !HttpAccess.isLoopback(config.httpHost())) {
      LOG.warn("http.anonymous is true: anyone who can reach {}:{} can watch every camera and restart them",
          config.httpHost(), port);
    } else if (config.tls() == null && !HttpAccess.isLoopback(config.httpHost())) {
      LOG.warn("http.auth over plain HTTP on {}:{}: the password crosses the network readable by anyone on"
          + " the way; set http.tls.cert and http.tls.key", config.httpHost(), port);
    }
  }

  @Override
  public void stop(Promise<Void> stopped) {
    // Viewers get their 1001 close frame before the server drops the connections, within a bound.
    Future.any(hub.closeAll(CloseCodes.GOING_AWAY, "service stopping"), vertx.timer(CLOSE_WAIT_MILLIS))
        .eventually(() -> rtsp == null ? server.close() : Future.join(server.close(), rtsp.close()).mapEmpty())
        .<Void>mapEmpty()
        .onComplete(stopped);
  }

  private Future<User> authenticate(Credentials credentials) {
    if (credentials instanceof UsernamePasswordCredentials given
        && constantTimeEquals(config.auth().user(), given.getUsername())
        && constantTimeEquals(config.auth().password(), given.getPassword())) {
      return Future.succeededFuture(User.fromName(given.getUsername()));
    }
    return Future.failedFuture("wrong user or password");
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  /** After a reload: removed cameras' viewers are sent away, the API knows the new list. */
  private void follow(CameraSet set) {
    Set<String> kept = set.cameras().stream().map(CameraConfig::id).collect(Collectors.toSet());
    directory.ids().stream().filter(id -> !kept.contains(id))
        .forEach(id -> hub.closeViewersOf(id, CloseCodes.GOING_AWAY, "camera removed"));
    directory.replace(set.cameras());
  }

  private void listCameras(RoutingContext ctx) {
    directory.statuses().onSuccess(all -> send(ctx, 200, new JsonArray(List.copyOf(all)).encode()));
  }

  private void getCamera(RoutingContext ctx) {
    withCamera(ctx, id -> directory.status(id).onSuccess(status -> json(ctx, 200, status)));
  }

  private void snapshot(RoutingContext ctx) {
    withCamera(ctx, id -> directory.latestFrame(id).onComplete(result -> {
      long grace = config.stream().outageGrace().toMillis();
      Frame frame = result.succeeded() ? result.result() : null;
      if (frame == null || (grace > 0 && frame.ageMillis(System.currentTimeMillis()) > grace)) {
        error(ctx, 503, "no current frame for camera '" + id + "' (starting or in outage)");
        return;
      }
      ctx.response().putHeader("Content-Type", "image/jpeg").putHeader("Cache-Control", "no-store")
          .end(frame.data());
    }));
  }

  private void restart(RoutingContext ctx) {
    withCamera(ctx, id -> {
      long now = System.currentTimeMillis();
      Long last = restartedAt.get(id);
      if (last != null && now - last < RESTART_SPACING_MILLIS) {
        ctx.response().putHeader("Retry-After", "1");
        error(ctx, 429, "camera '" + id + "' was restarted " + (now - last) + " ms ago: at most one restart a second");
        return;
      }
      restartedAt.put(id, now);
      restartCamera(ctx, id);
    });
  }

  private void restartCamera(RoutingContext ctx, String id) {
    directory.restart(id)
        .onSuccess(status -> json(ctx, 202, status))
        .onFailure(e -> error(ctx, 503, "camera '" + id + "' is not running: " + e.getMessage()));
  }

  /**
   * Liveness: answering at all proves the event loop works. It answers from what this node knows (counts
   * refreshed every 2 s), so a slow camera or a dead peer never makes the probe slow.
   */
  private void health(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "UP").put("cameras", healthCounts.copy())
        .put("configError", openConfigError()).put("cluster", cluster));
  }

  private void refreshHealthCounts() {
    directory.statuses().onSuccess(all -> healthCounts = countsOf(all));
  }

  /** Readiness: serving, with a config that was accepted (a refused reload makes it 503 until fixed). */
  private void readiness(RoutingContext ctx) {
    boolean ready = configError == null;
    withCameraCounts(counts -> json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "UP" : "DOWN")
        .put("cameras", counts).put("configError", openConfigError())));
  }

  /** Health is open to anyone: it says that the config was refused, never the file's text (it may hold passwords). */
  private String openConfigError() {
    return configError == null ? null : "the config file was refused: the service's log says why";
  }

  private void withCameraCounts(Consumer<JsonObject> answer) {
    directory.statuses().onSuccess(all -> answer.accept(countsOf(all)));
  }

  private static JsonObject countsOf(List<JsonObject> statuses) {
    JsonObject counts = new JsonObject();
    for (CameraState state : CameraState.values()) {
      counts.put(state.wireName(), 0);
    }
    statuses.forEach(s -> counts.put(s.getString("state"), counts.getInteger(s.getString("state")) + 1));
    return counts;
  }

  private void openViewer(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      error(ctx, 400, "this is a WebSocket endpoint: connect with a WebSocket client");
      return;
    }
    // What Vert.x would refuse in plain text, refused here in the API's JSON.
    if (!"13".equals(ctx.request().getHeader("Sec-WebSocket-Version"))) {
      ctx.response().putHeader("Sec-WebSocket-Version", "13");
      error(ctx, 426, "WebSocket version 13 (RFC 6455) only");
      return;
    }
    if (ctx.request().getHeader("Sec-WebSocket-Key") == null) {
      error(ctx, 400, "a WebSocket upgrade needs a Sec-WebSocket-Key header");
      return;
    }
    withCamera(ctx, id -> {
      if (viewersFull(ctx)) {
        return;
      }
      String formatParam = ctx.request().getParam("format", StreamFormat.JPEG.wireName());
      StreamFormat format = StreamFormat.fromWireName(formatParam);
      if (format == null) {
        error(ctx, 400, "format must be jpeg or mp4, not '" + formatParam + "'");
        return;
      }
      boolean meta = "1".equals(ctx.request().getParam("meta"));
      ctx.request().toWebSocket().onSuccess(socket -> {
        socket.exceptionHandler(e -> LOG.debug("camera {}: viewer socket error: {}", id, e.getMessage()));
        viewers.attach(id, new WebSocketChannel(socket), format, meta, ctx.request().remoteAddress());
      }).onFailure(e -> LOG.debug("camera {}: WebSocket upgrade failed: {}", id, e.getMessage()));
    });
  }

  /**
   * MJPEG over HTTP for tools that take no WebSocket ({@code <img>}, VLC, ffmpeg, Home Assistant): a JPEG
   * viewer like the WebSocket's, on a multipart response that ends when the camera has no video.
   */
  private void openMjpegViewer(RoutingContext ctx) {
    withCamera(ctx, id -> {
      if (viewersFull(ctx)) {
        return;
      }
      viewers.attach(id, new MultipartChannel(ctx.response()), StreamFormat.JPEG, false, ctx.request().remoteAddress());
    });
  }

  /** The camera's own H.264/H.265 as fragmented MP4 on one HTTP response, for tools that read HTTP. */
  private void openMp4Stream(RoutingContext ctx) {
    withCamera(ctx, id -> {
      if (viewersFull(ctx)) {
        return;
      }
      viewers.attach(id, new Mp4ResponseChannel(ctx.response()), StreamFormat.MP4, false, ctx.request().remoteAddress());
    });
  }

  /** Answers 503 when this node has http.maxViewers viewers already, or the client its share of them. */
  private boolean viewersFull(RoutingContext ctx) {
    String refusal = viewers.refusal(ctx.request().remoteAddress());
    if (refusal != null) {
      error(ctx, 503, refusal);
    }
    return refusal != null;
  }

  private void withCamera(RoutingContext ctx, Consumer<String> action) {
    String id = ctx.pathParam("id");
    if (directory.find(id).isEmpty()) {
      error(ctx, 404, "unknown camera '" + id + "'");
      return;
    }
    action.accept(id);
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    send(ctx, status, body.encode());
  }

  private static void send(RoutingContext ctx, int status, String json) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
  }
}
