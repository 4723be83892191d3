package io.visionroi.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigParserTest {

  private static List<String> problems(String json) {
    return assertThrows(ConfigException.class, () -> ConfigParser.parse(new JsonObject(json))).problems();
  }

  @Test
  void emptyConfigGetsTheContractDefaults() {
    ServiceConfig config = ConfigParser.parse(new JsonObject());
    assertEquals("127.0.0.1", config.httpHost(), "only this machine, until the operator says otherwise");
    assertEquals(8080, config.httpPort());
    assertEquals(Duration.ofMillis(3500), config.stream().outageGrace());
    assertEquals(Duration.ofMillis(1500), config.stream().outageRetry());
    assertEquals(Duration.ofMillis(1500), config.stream().maxFrameDelay());
    assertEquals(Duration.ofMillis(600), config.stream().sendTimeout());
    assertEquals("ffmpeg", config.ffmpegPath());
    assertTrue(config.cameras().isEmpty());
  }

  @Test
  void readsAFullConfig() {
    ServiceConfig config = ConfigParser.parse(new JsonObject("""
        {"http": {"host": "127.0.0.1", "port": 9000},
         "stream": {"outageGrace": 2, "outageRetry": 0.5, "maxFrameDelay": 0, "sendTimeout": 1.25},
         "ffmpeg": {"path": "/usr/bin/ffmpeg"},
         "cameras": [{"id": "a", "url": "rtsp://u:p@cam/1"}, {"id": "b-2", "name": "Door", "url": "/dev/video0"}]}
        """));
    assertEquals(9000, config.httpPort());
    assertEquals(Duration.ofMillis(1250), config.stream().sendTimeout());
    assertEquals(Duration.ZERO, config.stream().maxFrameDelay());
    assertEquals("a", config.cameras().get(0).name(), "name defaults to the id");
    assertEquals("Door", config.cameras().get(1).name());
    assertEquals(CameraSource.RTSP, config.cameras().get(0).source());
    assertEquals(CameraSource.DEVICE, config.cameras().get(1).source());
  }

  /** What the README tells a newcomer to run must start. */
  @Test
  void everyShippedConfigIsValid() throws Exception {
    for (String name : List.of("config.json", "cluster-demo.json", "trial.json")) {
      ServiceConfig shipped = ConfigParser.parse(new JsonObject(java.nio.file.Files.readString(
          java.nio.file.Path.of("conf", name))));
      assertFalse(shipped.cameras().isEmpty(), name);
    }
  }

  @Test
  void unknownKeysAreNamedWithTheirPath() {
    List<String> problems = problems("""
        {"htp": {}, "stream": {"outageGrase": 1}, "cameras": [{"id": "a", "url": "/x.mp4", "colour": 5}]}""");
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("htp: unknown key"));
    assertTrue(problems.get(1).startsWith("stream.outageGrase: unknown key"));
    assertTrue(problems.get(2).startsWith("cameras[0].colour: unknown key"));
  }

  @Test
  void wrongTypesAndRangesAreNamed() {
    List<String> problems = problems("""
        {"http": {"port": "80"}, "stream": {"outageGrace": -1, "sendTimeout": true}, "ffmpeg": {"path": 3}}""");
    assertEquals(List.of(
        "http.port: must be a whole number, not the string \"80\"",
        "stream.outageGrace: -1 is out of range 0..3600 seconds",
        "stream.sendTimeout: must be a number of seconds, not a boolean",
        "ffmpeg.path: must be a string, not 3"), problems);
  }

  @Test
  void camerasNeedValidUniqueIdsAndSupportedUrls() {
    List<String> problems = problems("""
        {"cameras": [{"url": "lavfi:testsrc"}, {"id": "a b", "url": "ftp://u:secret@h/x"},
                     {"id": "c", "url": "lavfi:testsrc"}, {"id": "c", "url": "lavfi:"}, "nope"]}""");
    assertEquals(List.of(
        "cameras[0].id: is required",
        "cameras[1].id: 'a b' must be 1 to 64 of A-Z a-z 0-9 _ -",
        "cameras[1].url: unsupported scheme 'ftp://' (use rtsp, rtsps, http, https, udp, tcp, srt, an absolute"
            + " file path, /dev/video*, or lavfi:) (ftp://u:***@h/x)",
        "cameras[3].id: 'c' is used by another camera",
        "cameras[3].url: lavfi: needs a filtergraph, e.g. lavfi:testsrc2=size=640x480:rate=15 (lavfi:)",
        "cameras[4]: must be an object with at least id and url"), problems);
    assertFalse(problems.toString().contains("secret"));
    assertEquals(List.of("cameras[0].url: lavfi: the movie and amovie filters may not be used (they open files and"
        + " URLs) (lavfi:movie=/etc/passwd)"), problems("{\"cameras\": [{\"id\": \"a\", \"url\": \"lavfi:movie=/etc/passwd\"}]}"));
    // ffmpeg's own protocols open anything; a relative path could be one of them.
    for (String url : List.of("concat:/etc/passwd", "subfile:,start,0,end,10,:/etc/passwd", "async:ftp://h/x",
        "file:/etc/passwd", "cache:http://h/x", "x.mp4")) {
      assertEquals(List.of("cameras[0].url: neither a supported URL nor an absolute file path (use rtsp, rtsps, http,"
          + " https, udp, tcp, srt, an absolute file path, /dev/video*, or lavfi:) (" + url + ")"),
          problems(new JsonObject().put("cameras", new io.vertx.core.json.JsonArray().add(new JsonObject()
              .put("id", "a").put("url", url))).encode()), url);
    }
  }

  @Test
  void cameraOptionsAreReadWithTheirDefaults() {
    ServiceConfig config = ConfigParser.parse(new JsonObject("""
        {"cameras": [{"id": "a", "url": "rtsp://cam/1", "rtspTransport": "udp", "timeout": 0,
                      "inputArgs": ["-thread_queue_size", "512"], "width": 640, "fps": 5, "quality": 8,
                      "passthrough": "never", "enabled": false},
                     {"id": "b", "url": "http://cam/mjpg", "onDemand": true, "idleStop": 2.5}]}"""));
    CameraConfig a = config.cameras().get(0);
    assertEquals("udp", a.rtspTransport());
    assertEquals(Duration.ZERO, a.timeout());
    assertEquals(List.of("-thread_queue_size", "512"), a.inputArgs());
    assertEquals(640, a.width());
    assertEquals(null, a.height());
    assertEquals(5.0, a.fps());
    assertEquals(8, a.quality());
    assertEquals(CameraConfig.Passthrough.NEVER, a.passthrough());
    assertFalse(a.enabled());
    CameraConfig b = config.cameras().get(1);
    assertEquals(CameraConfig.of("b", "b", "http://cam/mjpg").quality(), b.quality());
    assertTrue(b.onDemand());
    assertEquals(Duration.ofMillis(2500), b.idleStop());
    assertEquals(CameraConfig.Passthrough.AUTO, b.passthrough());
    assertEquals(CameraConfig.Output.AUTO, b.output());
  }

  @Test
  void outputIsOneOfThreeAndMp4CannotBeReshaped() {
    assertEquals(CameraConfig.Output.MP4, ConfigParser.parse(new JsonObject("""
        {"cameras": [{"id": "a", "url": "rtsp://cam/1", "output": "mp4"}]}""")).cameras().get(0).output());
    assertEquals(List.of(
        "cameras[0].output: 'webm' is not one of auto, jpeg, mp4",
        "cameras[1].output: \"mp4\" sends the source's video as it is, so width, height and fps cannot apply",
        "cameras[2].output: \"mp4\" is for H.264 and H.265 sources, and passthrough \"always\" says MJPEG"),
        problems("""
        {"cameras": [{"id": "a", "url": "rtsp://cam/1", "output": "webm"},
                     {"id": "b", "url": "rtsp://cam/2", "output": "mp4", "fps": 5},
                     {"id": "c", "url": "rtsp://cam/3", "output": "mp4", "passthrough": "always"}]}"""));
  }

  @Test
  void badCameraOptionsAreNamed() {
    List<String> problems = problems("""
        {"cameras": [{"id": "a", "url": "http://cam/x", "rtspTransport": "udp", "inputArgs": "-re -i x",
                      "passthrough": "always", "width": 8, "quality": 40, "idleStop": 3, "enabled": "yes"}]}""");
    assertEquals(List.of(
        "cameras[0].rtspTransport: only for rtsp:// and rtsps:// cameras",
        "cameras[0].idleStop: only with \"onDemand\": true",
        "cameras[0].enabled: must be true or false, not the string \"yes\"",
        "cameras[0].inputArgs: must be a list of strings, one per argument (never one shell string)",
        "cameras[0].width: 8 is out of range 16..7680",
        "cameras[0].quality: 40 is out of range 2..31",
        "cameras[0].passthrough: \"always\" copies the source, so width, height and fps cannot apply"), problems);
  }

  @Test
  void environmentBeatsTheFile() {
    JsonObject merged = new JsonObject("""
        {"stream": {"outageGrace": 3.5}, "STREAM_OUTAGE_GRACE": "0.8", "HTTP_PORT": "9123", "FFMPEG_PATH": "/opt/ff"}""");
    ServiceConfig config = ConfigParser.parse(EnvOverrides.apply(merged));
    assertEquals(Duration.ofMillis(800), config.stream().outageGrace());
    assertEquals(9123, config.httpPort());
    assertEquals("/opt/ff", config.ffmpegPath());
  }

  @Test
  void authNeedsUserAndPasswordAndTheEnvironmentCanGiveThem() {
    assertEquals(List.of("http.auth.password: is required"), problems("{\"http\": {\"auth\": {\"user\": \"op\"}}}"));
    ServiceConfig config = ConfigParser.parse(EnvOverrides.apply(new JsonObject()
        .put("HTTP_AUTH_USER", "op").put("HTTP_AUTH_PASSWORD", "pw")));
    assertEquals(new ServiceConfig.BasicAuth("op", "pw"), config.auth());
    assertFalse(config.auth().toString().contains("pw"), "the password is never printed");
  }

  @Test
  void listeningBeyondThisMachineNeedsAPasswordOrASayso() {
    assertEquals(List.of("http.auth: required when http.host is 0.0.0.0, which other machines can reach (set http.auth"
            + " with a user and password, or http.anonymous: true to let anyone on the network watch and restart the"
            + " cameras)"), problems("{\"http\": {\"host\": \"0.0.0.0\"}}"));
    assertEquals(1, problems("{\"http\": {\"host\": \"192.0.2.7\"}}").size());
    assertEquals(List.of("http.auth.password: at least 12 characters when http.host is 0.0.0.0, which other"
        + " machines can reach (scripts/install-service.sh makes one of about 24)"),
        problems("{\"http\": {\"host\": \"0.0.0.0\", \"auth\": {\"user\": \"a\", \"password\": \"b\"}}}"));
    ConfigParser.parse(new JsonObject("{\"http\": {\"host\": \"0.0.0.0\", \"auth\": {\"user\": \"a\","
        + " \"password\": \"twelve-chars\"}}}"));
    ConfigParser.parse(new JsonObject("{\"http\": {\"auth\": {\"user\": \"a\", \"password\": \"b\"}}}"));
    assertEquals(1, problems("{\"http\": {\"host\": \"cams.localhost\"}}").size(), "*.localhost may be looked up in DNS");
    ServiceConfig open = ConfigParser.parse(new JsonObject("{\"http\": {\"host\": \"0.0.0.0\", \"anonymous\": true,"
        + " \"allowedHosts\": [\"Cams.LAN\"], \"allowedOrigins\": [\"https://nvr.lan\"]}}"));
    assertEquals(List.of("cams.lan"), open.access().allowedHosts());
    for (String loopback : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1")) {
      ConfigParser.parse(new JsonObject().put("http", new JsonObject().put("host", loopback)));
    }
  }

  @Test
  void tlsNeedsBothFilesReadable() {
    assertEquals(List.of("http.tls.key: is required"), problems("{\"http\": {\"tls\": {\"cert\": \"/etc/hostname\"}}}"));
    assertEquals(List.of("http.tls.cert: cannot read '/nonexistent/cert.pem' (a PEM file the service's user may read)"),
        problems("{\"http\": {\"tls\": {\"cert\": \"/nonexistent/cert.pem\", \"key\": \"/etc/hostname\"}}}"));
    assertEquals(List.of("http.tls: must be an object with cert and key (paths of PEM files)"),
        problems("{\"http\": {\"tls\": true}}"));
    assertEquals(new ServiceConfig.Tls("/etc/hostname", "/etc/hostname"), ConfigParser.parse(new JsonObject(
        "{\"http\": {\"tls\": {\"cert\": \"/etc/hostname\", \"key\": \"/etc/hostname\"}}}")).tls());
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> EnvOverrides.apply(new JsonObject().put("STREAM_OUTAGE_RETRY", "soon").put("HTTP_PORT", "80.5")));
    assertEquals(List.of(
        "STREAM_OUTAGE_RETRY (overrides stream.outageRetry): 'soon' is not a number",
        "HTTP_PORT (overrides http.port): '80.5' is not a whole number"), e.problems());
  }
}
