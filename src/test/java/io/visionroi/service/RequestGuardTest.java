package io.visionroi.service;

import io.visionroi.support.RunningService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Requests as another web site's page or a DNS-rebinding attacker would make them, on the wire: forged
 * Host and Origin headers against an anonymous service on loopback.
 */
class RequestGuardTest {

  private RunningService service;

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  /** Sends one raw HTTP/1.1 request and returns the status code of the answer. */
  private int status(String method, String path, String host, String origin, String... headers) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
      if (origin != null) {
        request.append("Origin: ").append(origin).append("\r\n");
      }
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  private int upgrade(String host, String origin) throws Exception {
    return status("GET", "/ws/cameras/p", host, origin, "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
  }

  @Test
  void anotherSitesPageCannotWatchOrCommandAndRebindingGetsNothing() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""),
        new JsonObject("{\"allowedHosts\": [\"cams.lan\"], \"allowedOrigins\": [\"https://nvr.lan\"]}"));
    String self = "127.0.0.1:" + service.port;

    assertEquals(101, upgrade(self, "http://" + self), "the service's own page");
    assertEquals(101, upgrade(self, null), "no browser, no Origin: ffmpeg, scripts");
    assertEquals(101, upgrade(self, "https://nvr.lan"), "an allowed origin");
    assertEquals(403, upgrade(self, "http://evil.example"), "cross-site WebSocket hijacking");
    assertEquals(403, upgrade(self, "null"));
    assertEquals(403, upgrade(self, "http://127.0.0.1:" + (service.port + 1)), "another port is another origin");

    assertEquals(202, status("POST", "/api/cameras/p/restart", self, "http://" + self));
    assertEquals(403, status("POST", "/api/cameras/p/restart", self, "http://evil.example", "Content-Type: text/plain"),
        "cross-site request forgery");
    assertEquals(200, status("GET", "/api/cameras", self, "http://evil.example"),
        "a cross-site GET reads nothing: the browser keeps the answer from the page without CORS headers");

    assertEquals(403, status("GET", "/api/cameras", "evil.example", null), "DNS rebinding");
    assertEquals(403, status("GET", "/api/cameras/p/snapshot.jpg", "evil.example:" + service.port, null));
    assertEquals(403, upgrade("evil.example:" + service.port, null));
    assertEquals(200, status("GET", "/api/cameras", "localhost:" + service.port, null));
    assertEquals(200, status("GET", "/api/cameras", "[::1]:" + service.port, null));
    assertEquals(200, status("GET", "/api/cameras", "cams.lan:" + service.port, null), "an allowed host");
    assertEquals(200, status("GET", "/healthz", "evil.example", null), "health stays open for probes");
    assertEquals(403, status("GET", "/api/cameras", "evil.localhost:" + service.port, null),
        "*.localhost is a name a resolver may look up");

    // A picture loaded by a page of another origin on the same site (another port of this host): refused.
    assertEquals(403, status("GET", "/api/cameras/p/frame.jpeg", self, null, "Sec-Fetch-Site: same-site",
        "Sec-Fetch-Mode: no-cors"));
    // No page of another origin may frame the page.
    java.net.http.HttpResponse<byte[]> page = service.get("/");
    assertEquals("SAMEORIGIN", page.headers().firstValue("X-Frame-Options").orElse(""));
    assertEquals("frame-ancestors 'self'", page.headers().firstValue("Content-Security-Policy").orElse(""));
  }
}
