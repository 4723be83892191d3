package io.visionroi.service;

import io.visionroi.support.LogCapture;
import io.visionroi.support.RunningService;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optional basic authentication: the API, page and WebSockets ask for it; health stays open. */
class AuthTest {

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void requestsWithoutTheUserGet401AndUpgradesAreRefused() throws Exception {
    try (RunningService service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""),
        new JsonObject("{\"auth\": {\"user\": \"op\", \"password\": \"s3cret\"}}"))) {
      HttpClient http = HttpClient.newHttpClient();
      URI cameras = URI.create("http://127.0.0.1:" + service.port + "/api/cameras");
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(cameras).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode());
      assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
      assertEquals(401, http.send(HttpRequest.newBuilder(cameras).header("Authorization", basic("op", "wrong")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(200, http.send(HttpRequest.newBuilder(cameras).header("Authorization", basic("op", "s3cret")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(401, service.get("/").statusCode(), "the page too");
      assertEquals(200, service.get("/healthz").statusCode(), "health stays open for probes");

      ExecutionException refused = assertThrows(ExecutionException.class, () -> service.vertx.createWebSocketClient()
          .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.port).setURI("/ws/cameras/p"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, refused.getCause()).getStatus());
      WebSocket allowed = service.vertx.createWebSocketClient()
          .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.port).setURI("/ws/cameras/p")
              .addHeader("Authorization", basic("op", "s3cret")))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      allowed.close();
    }
  }

  /** A raw GET from a given local address (loopback has all of 127/8): the status line and Retry-After. */
  private static String get(int port, String from, String authorization) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port, java.net.InetAddress.getByName(from), 0)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      String retry = answer.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("retry-after:"))
          .findFirst().orElse("");
      return answer.lines().findFirst().orElse("") + (retry.isEmpty() ? "" : " " + retry);
    }
  }

  /**
   * Ten wrong passwords from one address within a minute hold that address back (429, even with the right
   * password), with one log line; requests without credentials (a browser's first try) do not count, and
   * other addresses are not held back.
   */
  @Test
  void wrongPasswordsHoldTheirAddressBack() throws Exception {
    try (RunningService service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""),
        new JsonObject("{\"auth\": {\"user\": \"op\", \"password\": \"s3cret\"}}"));
         LogCapture log = LogCapture.keeping("io.visionroi.http.LoginThrottle")) {
      for (int i = 0; i < 20; i++) {
        assertTrue(get(service.port, "127.0.0.2", null).startsWith("HTTP/1.1 401"), "no credentials: not counted");
      }
      for (int i = 1; i < 10; i++) {
        assertTrue(get(service.port, "127.0.0.2", basic("op", "guess" + i)).startsWith("HTTP/1.1 401"));
      }
      assertTrue(get(service.port, "127.0.0.2", basic("op", "s3cret")).startsWith("HTTP/1.1 200"), "nine: not yet");
      assertTrue(get(service.port, "127.0.0.2", basic("op", "guess10")).startsWith("HTTP/1.1 401"));
      String held = get(service.port, "127.0.0.2", basic("op", "s3cret"));
      assertTrue(held.startsWith("HTTP/1.1 429") && held.matches(".*[Rr]etry-[Aa]fter: ([1-9]|[1-5][0-9]|60)$"),
          "the tenth holds the address back, right password or not: " + held);
      assertTrue(get(service.port, "127.0.0.3", basic("op", "s3cret")).startsWith("HTTP/1.1 200"),
          "another address is not held back");
      assertEquals(200, service.get("/healthz").statusCode(), "health stays open");
      assertEquals(1, log.warnings().stream().filter(w -> w.contains("wrong passwords from 127.0.0.2")).count(),
          () -> "one line for the operator: " + log.warnings());
    }
  }
}
