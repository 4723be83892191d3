package io.visionroi.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What every request meets before the router, so that a stranger cannot grow what the service keeps:
 * connections beyond {@code http.maxConnections}, or beyond a quarter of it from one address other than
 * loopback (one client cannot take them all; a reverse proxy on this machine speaks for everyone), are
 * answered 503 and closed (liveness and readiness probes excepted: a probe that cannot get in would restart
 * a healthy node), a request the HTTP decoder cannot read gets its status in JSON, and a path that is not valid
 * percent-encoding is a 400 with at most one short log line a minute (the router would log a stack trace
 * for each). Runs on the HTTP verticle's event loop.
 */
final class FrontDoor {

  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
  private static final long LOG_EVERY_MILLIS = 60_000;

  private final Context context;
  private final int maxConnections;
  /**
   * The sockets of the open connections. A connection is open as long as its socket is, whatever it became:
   * the socket's own close is the one end every connection has (one upgraded to a WebSocket never calls its
   * {@link HttpConnection#closeHandler}: Vert.x hands its socket to a new connection object).
   */
  private final Set<Channel> open = new HashSet<>();
  /** Connections over a cap, with what their 503 says. */
  private final Map<Channel, String> overLimit = new HashMap<>();
  private final AddressTally perAddress;
  private final Counter opened;
  private long malformed;
  private long lastLogAt;

  /** @param context the HTTP verticle's: the connection and request handlers run on it */
  FrontDoor(Context context, int maxConnections, MeterRegistry registry) {
    this.context = context;
    this.maxConnections = maxConnections;
    this.perAddress = new AddressTally(maxConnections);
    Gauge.builder("visionroi.http.connections", this, door -> door.open.size())
        .description("open HTTP connections as http.maxConnections counts them, viewers' included")
        .register(registry);
    opened = Counter.builder("visionroi.http.connections.opened")
        .description("HTTP connections opened over the service's life, refused ones included").register(registry);
  }

  Handler<HttpConnection> connections() {
    return connection -> {
      Channel socket = socketOf(connection);
      opened.increment();
      open.add(socket);
      String address = AddressTally.counted(connection.remoteAddress());
      boolean addressFull = perAddress.full(address);
      perAddress.add(address);
      if (open.size() > maxConnections) {
        overLimit.put(socket, "too many connections (http.maxConnections is " + maxConnections + ")");
      } else if (addressFull) {
        overLimit.put(socket, "too many connections from this address (a quarter of http.maxConnections: "
            + perAddress.limit() + ")");
      }
      socket.closeFuture().addListener(closed -> context.runOnContext(v -> {
        open.remove(socket);
        overLimit.remove(socket);
        perAddress.remove(address);
      }));
    };
  }

  Handler<HttpServerRequest> before(Handler<HttpServerRequest> next) {
    return request -> {
      String overCap = overLimit.get(socketOf(request.connection()));
      if (overCap != null && !isProbe(request.path())) {
        request.response().putHeader("Connection", "close");
        answer(request, 503, overCap);
        request.connection().close();
      } else if (!validEscapes(request.path())) {
        logMalformed(request.path());
        answer(request, 400, "malformed path: a '%' must be followed by two hex digits");
      } else {
        if (overCap != null) {
          // answered, but the connection does not stay: it is over the cap
          request.response().putHeader("Connection", "close").endHandler(v -> request.connection().close());
        }
        next.handle(request);
      }
    };
  }

  /**
   * A request Netty's decoder could not read (a broken request line or header, one too long): the status
   * Vert.x would give it, with the API's JSON error instead of an empty body, then the connection closes.
   */
  Handler<HttpServerRequest> invalid() {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      int status = cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongHttpHeaderException ? 431 : 400;
      request.response().putHeader("Connection", "close").endHandler(v -> request.connection().close());
      answer(request, status, status == 414 ? "request line too long" : status == 431 ? "request headers too large"
          : "malformed request: not HTTP/1.1 as it should be");
    };
  }

  private static boolean isProbe(String path) {
    return HttpVerticle.HEALTH_PATH.equals(path) || HttpVerticle.READY_PATH.equals(path);
  }

  /** Vert.x keeps a connection's socket behind its internal interface: the one way to its close. */
  private static Channel socketOf(HttpConnection connection) {
    return ((HttpServerConnection) connection).channelHandlerContext().channel();
  }

  private static void answer(HttpServerRequest request, int status, String error) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(new JsonObject().put("error", error).encode());
  }

  private void logMalformed(String path) {
    malformed++;
    long now = System.currentTimeMillis();
    if (now - lastLogAt >= LOG_EVERY_MILLIS) {
      lastLogAt = now;
      String shown = path.length() > 80 ? path.substring(0, 80) + "..." : path;
      LOG.warn("refused {} request(s) with a malformed path since the last such line, e.g. {}", malformed, shown);
      malformed = 0;
    }
  }

  static boolean validEscapes(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
          || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
