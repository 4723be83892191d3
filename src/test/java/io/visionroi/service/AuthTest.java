package io.visionroi.service;

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
}
