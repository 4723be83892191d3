package io.visionroi.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What every request meets before the router, so that a stranger cannot grow what the service keeps:
 * connections beyond {@code http.maxConnections} are answered 503 and closed, and a path that is not
 * valid percent-encoding is a 400 with at most one short log line a minute (the router would log a stack
 * trace for each). Runs on the HTTP verticle's event loop.
 */
final class FrontDoor {

  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
  private static final long LOG_EVERY_MILLIS = 60_000;

  private final int maxConnections;
  private final Set<HttpConnection> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<HttpConnection> overLimit = Collections.newSetFromMap(new IdentityHashMap<>());
  private long malformed;
  private long lastLogAt;

  FrontDoor(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  Handler<HttpConnection> connections() {
    return connection -> {
      open.add(connection);
      if (open.size() > maxConnections) {
        overLimit.add(connection);
      }
      connection.closeHandler(v -> {
        open.remove(connection);
        overLimit.remove(connection);
      });
    };
  }

  Handler<HttpServerRequest> before(Handler<HttpServerRequest> next) {
    return request -> {
      if (overLimit.contains(request.connection())) {
        request.response().putHeader("Connection", "close");
        answer(request, 503, "too many connections (http.maxConnections is " + maxConnections + ")");
        request.connection().close();
      } else if (!validEscapes(request.path())) {
        logMalformed(request.path());
        answer(request, 400, "malformed path: a '%' must be followed by two hex digits");
      } else {
        next.handle(request);
      }
    };
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
