package io.visionroi.http;

import io.visionroi.config.HttpAccess;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.Locale;

/**
 * Refuses requests that a web page elsewhere makes in a user's name (docs/operations.md, "Security"), before any
 * other handler:
 * <ul>
 *   <li>a WebSocket upgrade or a request other than GET/HEAD whose {@code Origin} is neither the service's
 *       own (its scheme-less host:port equals the {@code Host} header) nor in {@code http.allowedOrigins}:
 *       cross-site WebSocket hijacking and CSRF, which browsers would send cached credentials along with;</li>
 *   <li>while the port has no password, a {@code Host} that is not a loopback name or address nor in
 *       {@code http.allowedHosts}: DNS rebinding, by which any page could reach an anonymous service;</li>
 *   <li>a browser's load for a page of another origin that is no navigation ({@code Sec-Fetch-Site:
 *       cross-site} or {@code same-site}): an {@code <img>} of {@code stream.mjpeg} or a snapshot, which sends no
 *       Origin, unless its {@code Referer}'s origin is in {@code http.allowedOrigins}.</li>
 * </ul>
 * Every answer past it says that no page of another origin may frame it ({@code X-Frame-Options},
 * {@code frame-ancestors}).
 * Clients that are no browser (ffmpeg, curl, Prometheus) send no Origin and are not concerned. A query string
 * that does not decode ({@code ?x=%zz}) is refused with 400 here too: the router would decode it while matching
 * the next routes and log the client's mistake as its own failure, with a stack trace, at every request.
 */
final class RequestGuard implements Handler<RoutingContext> {

  private final HttpAccess access;
  private final boolean open;

  /** @param open true when the port has no password */
  RequestGuard(HttpAccess access, boolean open) {
    this.access = access;
    this.open = open;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // No other site may show the page (and its Restart buttons) in a frame of its own: clickjacking.
    ctx.response().putHeader("X-Frame-Options", "SAMEORIGIN").putHeader("Content-Security-Policy", "frame-ancestors 'self'");
    try {
      request.params();
    } catch (IllegalArgumentException malformed) {
      answer(ctx, 400, "malformed query string: " + malformed.getMessage());
      return;
    }
    // Host of HTTP/1.1, :authority of HTTP/2 (Java's client upgrades to h2c on its own)
    HostAndPort authority = request.authority();
    String host = authority == null ? null
        : authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
    if (open && !hostAllowed(host)) {
      refuse(ctx, "host '" + host + "' is not this service's: add it to http.allowedHosts, or set http.auth");
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    boolean mutating = request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD;
    boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
    if ((mutating || upgrade) && origin != null && !originAllowed(origin, host)) {
      refuse(ctx, "origin '" + origin + "' may not use this service: add it to http.allowedOrigins");
      return;
    }
    // Same-site is another origin too: another port or subdomain of the same host may be anyone's page.
    String site = request.getHeader("Sec-Fetch-Site");
    if (("cross-site".equals(site) || "same-site".equals(site))
        && !"navigate".equals(request.getHeader("Sec-Fetch-Mode")) && !refererAllowed(request)) {
      refuse(ctx, "a page of another site may not load this: add its origin to http.allowedOrigins");
      return;
    }
    ctx.next();
  }

  private boolean hostAllowed(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return HttpAccess.isLoopback(hostName(h)) || access.allowedHosts().contains(h)
        || access.allowedHosts().contains(hostName(h));
  }

  private boolean originAllowed(String origin, String host) {
    String o = origin.toLowerCase(Locale.ROOT);
    if (access.allowedOrigins().contains(o)) {
      return true;
    }
    try {
      URI uri = new URI(o);
      if (uri.getHost() == null || !(o.startsWith("http://") || o.startsWith("https://"))) {
        return false; // "null" (a sandboxed frame, a file), or no web page at all
      }
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return host != null && authority.equals(withoutDefaultPort(host.toLowerCase(Locale.ROOT), uri.getScheme()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private boolean refererAllowed(HttpServerRequest request) {
    String referer = request.getHeader(HttpHeaders.REFERER);
    try {
      URI uri = referer == null ? null : new URI(referer.toLowerCase(Locale.ROOT));
      return uri != null && uri.getScheme() != null && uri.getHost() != null && access.allowedOrigins().contains(
          uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The host part of a Host header: {@code name}, {@code name:port}, {@code [::1]:port}. */
  private static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 ? host.substring(0, end + 1) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 ? host.substring(0, colon) : host;
  }

  /** Browsers leave the default port out of Origin; some clients put it in Host. */
  private static String withoutDefaultPort(String host, String scheme) {
    String defaultPort = scheme.equals("https") ? ":443" : ":80";
    return host.endsWith(defaultPort) ? host.substring(0, host.length() - defaultPort.length()) : host;
  }

  private static void refuse(RoutingContext ctx, String why) {
    answer(ctx, 403, why);
  }

  private static void answer(RoutingContext ctx, int status, String why) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", why).encode());
  }
}
