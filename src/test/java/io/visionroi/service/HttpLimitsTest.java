package io.visionroi.service;

import io.visionroi.support.LogCapture;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a stranger can make the service keep or do is bounded: metric series, connections, viewers, restarts. */
class HttpLimitsTest {

  private RunningService service;

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  /**
   * A connection from 192.0.2.1, an address that is not loopback in the test JVM's own network
   * (scripts/private-network), to the service.
   */
  private Socket fromElsewhere() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("VISIONROI_PRIVATE_NETWORK") != null,
        "skipped: needs 192.0.2.1 on a loopback of its own, which scripts/test.sh gives every test JVM"
            + " (scripts/private-network)");
    return new Socket(java.net.InetAddress.getLoopbackAddress(), service.port,
        java.net.InetAddress.getByName("192.0.2.1"), 0);
  }

  /** A raw request on a new connection, left open: the status line of the answer. */
  private static String request(Socket socket, String method, String path) throws Exception {
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
  }

  /** Anyone can send these at will: each is the client's error, answered in JSON, and none fills the log. */
  @Test
  void malformedQueriesAndClientsThatLeaveEarlyLeaveNoTraceInTheLog() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""));
    try (LogCapture log = new LogCapture()) {
      for (String path : List.of("/api/cameras/p?x=%zz", "/api/cameras?x=%zz", "/ws/cameras/p?format=%zz",
          "/api/cameras/p/snapshot.jpg?x=%zz")) {
        try (Socket socket = new Socket("127.0.0.1", service.port)) {
          socket.setSoTimeout(10_000);
          socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(answer.startsWith("HTTP/1.1 400 "), path + ": " + answer);
          assertTrue(new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("error")
              .startsWith("malformed query string"), path + ": " + answer);
        }
      }
      // Requests the HTTP decoder cannot read: their status, in JSON too.
      for (String[] broken : List.of(new String[] {"GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nnot a header\r\n\r\n", "400"},
          new String[] {"GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", "431"})) {
        try (Socket socket = new Socket("127.0.0.1", service.port)) {
          socket.setSoTimeout(10_000);
          socket.getOutputStream().write(broken[0].getBytes(StandardCharsets.US_ASCII));
          String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(answer.startsWith("HTTP/1.1 " + broken[1] + " ") && answer.contains("{\"error\":"),
              broken[1] + ": " + answer);
        }
      }
      // Bad WebSocket upgrades: JSON errors too.
      for (String[] upgrade : List.of(new String[] {"Sec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "426"},
          new String[] {"Sec-WebSocket-Version: 13", "400"})) {
        try (Socket socket = new Socket("127.0.0.1", service.port)) {
          socket.setSoTimeout(10_000);
          socket.getOutputStream().write(("GET /ws/cameras/p HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
              + "Upgrade: websocket\r\n" + upgrade[0] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          socket.shutdownOutput();
          String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(answer.startsWith("HTTP/1.1 " + upgrade[1] + " "), upgrade[0] + ": " + answer);
          assertTrue(answer.contains("{\"error\":"), upgrade[0] + ": " + answer);
        }
      }
      // Clients that give up at once, every way: the answer finds nobody.
      for (String path : List.of("/", "/api/cameras", "/api/cameras/p/snapshot.jpg", "/metrics")) {
        for (int i = 0; i < 5; i++) {
          try (Socket socket = new Socket("127.0.0.1", service.port)) {
            socket.setSoLinger(true, 0); // a reset, not a polite close
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
          }
        }
      }
      Thread.sleep(500);
      assertEquals(List.of(), log.warnings());
    }
  }

  /**
   * One client address other than loopback holds at most a quarter of the connections (a reverse proxy on
   * this machine, speaking for everyone, is not held to it). 192.0.2.1 is such an address in the test JVM's
   * own network (scripts/private-network).
   */
  @Test
  void oneAddressHoldsAtMostAQuarterOfTheConnections() throws Exception {
    service = RunningService.start(new JsonObject("{\"cameras\": []}"), new JsonObject().put("maxConnections", 8));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = fromElsewhere();
        held.add(socket);
        assertTrue(request(socket, "GET", "/api/cameras").contains(" 200 "), "within its quarter");
      }
      try (Socket third = fromElsewhere()) {
        String answer = request(third, "GET", "/api/cameras");
        assertTrue(answer.contains(" 503 "), "beyond its quarter: " + answer);
      }
      assertEquals(200, service.get("/api/cameras").statusCode(), "another address is served");
      held.remove(0).close();
      assertTrue(io.visionroi.support.Processes.waitFor(5000, () -> {
        try (Socket again = fromElsewhere()) {
          return request(again, "GET", "/api/cameras").contains(" 200 ");
        } catch (Exception e) {
          return false;
        }
      }), "a connection that closed frees its place");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  /** The same for viewers: one address other than loopback holds at most a quarter of http.maxViewers. */
  @Test
  void oneAddressHoldsAtMostAQuarterOfTheViewers() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""), new JsonObject().put("maxViewers", 8));
    List<Socket> watching = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = fromElsewhere();
        watching.add(socket);
        assertTrue(request(socket, "GET", "/api/cameras/p/stream.mjpeg").contains(" 200 "), "within its quarter");
      }
      try (Socket third = fromElsewhere()) {
        String answer = request(third, "GET", "/api/cameras/p/stream.mjpeg");
        assertTrue(answer.contains(" 503 "), "beyond its quarter: " + answer);
      }
      try (Socket local = new Socket("127.0.0.1", service.port)) {
        assertTrue(request(local, "GET", "/api/cameras/p/stream.mjpeg").contains(" 200 "), "loopback is not held to it");
      }
    } finally {
      for (Socket socket : watching) {
        socket.close();
      }
    }
  }

  @Test
  void madeUpMethodsMalformedPathsAndRestartFloodsAreBounded() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""));
    for (int i = 0; i < 40; i++) {
      try (Socket socket = new Socket("127.0.0.1", service.port)) {
        request(socket, "X" + i + "METHOD", "/api/cameras");
      }
    }
    String metrics = new String(service.get("/metrics").body(), StandardCharsets.UTF_8);
    assertFalse(metrics.contains("METHOD\""), "no series per made-up method");
    assertTrue(metrics.contains("method=\"OTHER\""), "they are folded into one");

    try (Socket socket = new Socket("127.0.0.1", service.port);
         LogCapture log = LogCapture.keeping("io.visionroi.http.FrontDoor")) {
      assertTrue(request(socket, "GET", "/%ZZ").contains(" 400 "), "a bad escape is the client's error");
      assertEquals(1, log.warnings().size(), "one short line for the operator: " + log.warnings());
    }

    assertEquals(202, service.post("/api/cameras/p/restart").statusCode());
    assertEquals(429, service.post("/api/cameras/p/restart").statusCode(), "a second restart within a second");
    Thread.sleep(1100);
    assertEquals(202, service.post("/api/cameras/p/restart").statusCode());
  }

  @Test
  void viewersBeyondTheCapAreRefusedClearly() throws Exception {
    service = RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""),
        new JsonObject().put("maxViewers", 2));
    List<ViewerClient> viewers = new ArrayList<>(List.of(service.viewer("p"), service.viewer("p")));
    ExecutionException refused = assertThrows(ExecutionException.class, () -> service.viewer("p"));
    assertEquals(503, assertInstanceOf(UpgradeRejectedException.class, refused.getCause()).getStatus());
    viewers.forEach(ViewerClient::close);
  }

  @Test
  void connectionsBeyondTheCapAreAnswered503() throws Exception {
    service = RunningService.start(new JsonObject("{\"cameras\": []}"), new JsonObject().put("maxConnections", 4));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Socket socket = new Socket("127.0.0.1", service.port);
        held.add(socket);
        assertTrue(request(socket, "GET", "/api/cameras").contains(" 200 "), "connection " + (i + 1));
      }
      Socket extra = new Socket("127.0.0.1", service.port);
      held.add(extra);
      assertTrue(request(extra, "GET", "/api/cameras").contains(" 503 "), "the fifth connection is told why");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
