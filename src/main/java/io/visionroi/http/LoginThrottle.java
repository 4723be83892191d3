package io.visionroi.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wrong passwords cost their sender: an address that sent {@value #MAX_FAILURES} wrong ones within
 * {@value #WINDOW_MILLIS} ms gets 429 (with {@code Retry-After}) for any request until the oldest of them is
 * that old, right password or not, so a password cannot be guessed at the speed of HTTP. One log line when an
 * address is held back, none per attempt. It remembers at most {@value #MAX_ADDRESSES} addresses (the least
 * recently seen go first), so a stranger with many addresses cannot grow it. On the event loop only.
 */
final class LoginThrottle implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
  static final int MAX_FAILURES = 10;
  static final long WINDOW_MILLIS = 60_000;
  static final int MAX_ADDRESSES = 4096;

  /** Address to the times of its recent wrong passwords, oldest first. */
  private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  /** Before the password is checked: a held-back address is answered 429 at once. */
  @Override
  public void handle(RoutingContext ctx) {
    long waitMillis = heldBackFor(address(ctx), System.currentTimeMillis());
    if (waitMillis > 0) {
      ctx.response().setStatusCode(429).putHeader("Retry-After", String.valueOf((waitMillis + 999) / 1000))
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "too many wrong passwords from this address: try again later").encode());
      return;
    }
    ctx.next();
  }

  /** A request was refused for its credentials: counted when it carried some (a browser's first try has none). */
  void refused(RoutingContext ctx) {
    if (ctx.request().getHeader("Authorization") == null) {
      return;
    }
    refused(address(ctx));
  }

  /** Wrong credentials came from {@code address} (HTTP or RTSP: one count per address). */
  void refused(String address) {
    long now = System.currentTimeMillis();
    Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    forgetOld(times, now);
    times.addLast(now);
    if (times.size() == MAX_FAILURES) {
      LOG.warn("{} wrong passwords from {} within {} s: its requests are refused for up to {} s", MAX_FAILURES,
          address, WINDOW_MILLIS / 1000, WINDOW_MILLIS / 1000);
    }
  }

  /** How long requests from {@code address} are still refused, in ms; 0 when they are not. */
  long heldBackFor(String address, long now) {
    Deque<Long> times = failures.get(address);
    if (times == null) {
      return 0;
    }
    forgetOld(times, now);
    if (times.isEmpty()) {
      failures.remove(address);
      return 0;
    }
    return times.size() >= MAX_FAILURES ? times.peekFirst() + WINDOW_MILLIS - now : 0;
  }

  private static void forgetOld(Deque<Long> times, long now) {
    while (!times.isEmpty() && now - times.peekFirst() >= WINDOW_MILLIS) {
      times.removeFirst();
    }
  }

  private static String address(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
  }
}
