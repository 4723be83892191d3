package io.visionroi.app;

import io.visionroi.support.JarProcess;
import io.visionroi.support.Processes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jar's command line and config handling, as an operator meets them: exit codes and messages. */
class ConfigIT {

  @TempDir
  Path dir;

  private String failsWithUsageError(List<String> args, String... env) throws Exception {
    try (JarProcess jar = JarProcess.startRaw(dir, args, env)) {
      assertEquals(2, jar.awaitExit(20_000), String.join("\n", jar.output));
      Processes.waitFor(1000, () -> !jar.output.isEmpty());
      return String.join("\n", jar.output);
    }
  }

  private Path write(String json) throws Exception {
    return Files.writeString(dir.resolve("bad.json"), json);
  }

  @Test
  void unknownKeyAndWrongTypeExit2NamingEachKey() throws Exception {
    Path file = write("""
        {"http": {"port": "8080"}, "cameras": [{"id": "a", "url": "lavfi:testsrc2", "colour": "red"}]}""");
    String out = failsWithUsageError(List.of("--config", file.toString()));
    assertTrue(out.contains("http.port: must be a whole number"), out);
    assertTrue(out.contains("cameras[0].colour: unknown key"), out);
  }

  /** A port another program holds: exit 1, naming the port's use and the key that moves it. */
  @Test
  void aTakenRtspPortIsNamedWithItsKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path file = write("{\"http\": {\"port\": 0}, \"rtsp\": {\"port\": " + taken.getLocalPort()
          + "}, \"cameras\": []}");
      try (JarProcess jar = JarProcess.startRaw(dir, List.of("--config", file.toString()))) {
        assertEquals(1, jar.awaitExit(20_000), String.join("\n", jar.output));
        String out = String.join("\n", jar.output);
        assertTrue(out.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for the RTSP re-stream")
            && out.contains("set rtsp.port or RTSP_PORT"), out);
      }
    }
  }

  @Test
  void beyondLoopbackAClusterNeedsItsOwnNameAndKeyAndHttpAPasswordAndAQuorumIsAtLeastTwo() throws Exception {
    Path config = write("{\"cameras\": []}");
    String shipped = Files.readString(Path.of("conf", "cluster.xml"))
        .replace("<member>127.0.0.1</member>", "<member>192.0.2.11</member><member>192.0.2.12</member>")
        .replace("<interface>127.0.0.1</interface>", "<interface>192.0.2.*</interface>");
    Path cluster = Files.writeString(dir.resolve("cluster.xml"), shipped);
    String out = failsWithUsageError(List.of("--check-config", "--cluster", "--config", config.toString()),
        "CLUSTER_CONFIG=" + cluster);
    assertTrue(out.contains("<cluster-name> is the shipped 'visionroi'"), out);
    assertTrue(out.contains("CLUSTER_KEYSTORE: required when members are beyond loopback"), out);
    Files.writeString(cluster, shipped.replace("<cluster-name>visionroi</cluster-name>",
        "<cluster-name>site-a</cluster-name>"));
    Path keystore = dir.resolve("cluster.p12");
    io.visionroi.support.ClusterNodes.makeKeystore(keystore);
    try (JarProcess jar = JarProcess.startRaw(dir, List.of("--check-config", "--cluster", "--config", config.toString()),
        "CLUSTER_CONFIG=" + cluster, "CLUSTER_KEYSTORE=" + keystore,
        "CLUSTER_KEYSTORE_PASSWORD=" + io.visionroi.support.ClusterNodes.KEYSTORE_PASSWORD)) {
      assertEquals(0, jar.awaitExit(20_000), String.join("\n", jar.output));
    }

    // A multicast join with the shipped name: beyond loopback, whatever the member list says.
    Files.writeString(cluster, Files.readString(Path.of("conf", "cluster.xml"))
        .replace("<multicast enabled=\"false\"/>", "<multicast enabled=\"true\"/>")
        .replace("<tcp-ip enabled=\"true\"", "<tcp-ip enabled=\"false\""));
    String multicast = failsWithUsageError(List.of("--check-config", "--cluster", "--config", config.toString()),
        "CLUSTER_CONFIG=" + cluster);
    assertTrue(multicast.contains("<cluster-name> is the shipped 'visionroi'"), multicast);

    String quorum = failsWithUsageError(List.of("--check-config", "--cluster", "--config", config.toString()),
        "CLUSTER_QUORUM=1");
    assertTrue(quorum.contains("CLUSTER_QUORUM: '1' is not a number of members of at least 2"), quorum);

    Path open = write("{\"http\": {\"host\": \"0.0.0.0\"}}");
    String refused = failsWithUsageError(List.of("--check-config", "--config", open.toString()));
    assertTrue(refused.contains("http.auth: required when http.host is 0.0.0.0"), refused);
  }

  /** Every problem of a file at once, each naming its key (one start: ConfigParserTest has them one by one). */
  @Test
  void everyBadValueOfAFileIsNamedAtOnce() throws Exception {
    Path file = write("""
        {"stream": {"outageGrace": 99999},
         "cameras": [{"url": "lavfi:testsrc2"}, {"id": "b"}, {"id": "a/b", "url": "/x.mp4"},
                     {"id": "a", "url": "/x.mp4"}, {"id": "a", "url": "/y.mp4"}, {"id": "c", "url": "ftp://h/x"},
                     {"id": "d", "url": "concat:/etc/passwd"}]}""");
    String out = failsWithUsageError(List.of("--check-config", "--config", file.toString()));
    for (String expected : List.of("stream.outageGrace: 99999 is out of range", "cameras[0].id: is required",
        "cameras[1].url: is required", "cameras[2].id: 'a/b' must be", "cameras[4].id: 'a' is used by another camera",
        "cameras[5].url: unsupported scheme 'ftp://'", "cameras[6].url: neither a supported URL nor an absolute")) {
      assertTrue(out.contains(expected), expected + " in: " + out);
    }
  }

  @Test
  void missingFileAndBrokenJsonExit2() throws Exception {
    assertTrue(failsWithUsageError(List.of("--config", "nope.json")).contains("config file not found"));
    Path file = write("{\"cameras\": [");
    assertTrue(failsWithUsageError(List.of("--config", file.toString())).contains("not valid JSON"));
  }

  @Test
  void badCommandLineExits2WithUsage() throws Exception {
    assertTrue(failsWithUsageError(List.of("--bogus")).contains("usage:"));
  }

  @Test
  void badEnvironmentOverrideExits2NamingTheVariable() throws Exception {
    Path file = write("{\"cameras\": []}");
    String out = failsWithUsageError(List.of("--config", file.toString()), "STREAM_OUTAGE_GRACE=soon");
    assertTrue(out.contains("STREAM_OUTAGE_GRACE"), out);
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    int port = io.visionroi.support.FreePort.onLoopback();
    JsonObject config = new JsonObject().put("cameras", new io.vertx.core.json.JsonArray());
    try (JarProcess jar = JarProcess.start(dir, config, "HTTP_PORT=" + port)) {
      assertEquals(port, jar.awaitStarted(20_000), "HTTP_PORT beats http.port of the file");
      Processes.signal(jar.pid(), "TERM");
      assertEquals(0, jar.awaitExit(5000));
    }
  }
}
