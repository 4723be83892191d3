package io.visionroi.service;

import io.visionroi.support.Chromium;
import io.visionroi.support.Processes;
import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code http.tls} the one port speaks HTTPS and WSS (a certificate made by openssl for the test), and
 * plain HTTP gets no answer from it.
 */
class TlsTest {

  @TempDir
  Path dir;

  private Path cert;
  private Path key;

  /** A certificate for 127.0.0.1 and localhost, made by openssl as scripts/install-service.sh makes one. */
  @org.junit.jupiter.api.BeforeEach
  void certificate() throws Exception {
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl made a certificate");
  }

  private RunningService serviceOverTls() throws Exception {
    return RunningService.start(new JsonObject("""
        {"cameras": [{"id": "p", "url": "lavfi:testsrc2=size=160x120:rate=5"}]}"""),
        new JsonObject().put("tls", new JsonObject().put("cert", cert.toString()).put("key", key.toString())));
  }

  /** The page over HTTPS in Chromium, which trusts this certificate's key alone: its tile plays over WSS. */
  @Test
  void thePagePlaysOverHttpsAndWssInChromium() throws Exception {
    java.security.cert.X509Certificate x509;
    try (InputStream in = Files.newInputStream(cert)) {
      x509 = (java.security.cert.X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String spki = java.util.Base64.getEncoder().encodeToString(
        java.security.MessageDigest.getInstance("SHA-256").digest(x509.getPublicKey().getEncoded()));
    try (RunningService service = serviceOverTls();
         Chromium browser = Chromium.startOrSkip("TlsTest", "--ignore-certificate-errors-spki-list=" + spki)) {
      browser.open("https://127.0.0.1:" + service.port + "/");
      assertTrue(Processes.waitFor(15_000, () -> browser.frames("p") > 5), "the tile plays over WSS");
      assertEquals("https:", browser.script("return location.protocol;"));
    }
  }

  @Test
  void thePortSpeaksHttpsAndWssWithTheConfiguredCertificate() throws Exception {
    try (RunningService service = serviceOverTls()) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).build();
      HttpResponse<String> cameras = https.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + service.port + "/api/cameras")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, cameras.statusCode());
      assertEquals("p", new JsonArray(cameras.body()).getJsonObject(0).getString("id"));

      try (ViewerClient viewer = ViewerClient.connect(service.vertx, service.port, "/ws/cameras/p",
          new WebSocketClientOptions().setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(cert.toString())))) {
        assertTrue(viewer.awaitFrames(3, 10_000), "JPEG frames over WSS");
      }

      // Plain HTTP to the same port: no HTTP answer comes back.
      try (Socket plain = new Socket("127.0.0.1", service.port)) {
        plain.setSoTimeout(5000);
        plain.getOutputStream().write("GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        byte[] answer = readSome(plain.getInputStream());
        assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
            "no plain answer on a TLS port");
      }
    }
  }

  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      store.setCertificateEntry("service", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static byte[] readSome(InputStream in) {
    try {
      return in.readNBytes(12);
    } catch (java.io.IOException closedOrTimedOut) {
      return new byte[0];
    }
  }
}
