package io.visionroi.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** A service's API and /metrics as an operator reads them, by port (a packaged jar's, for tests and benches). */
public record JarApi(int port) {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public String get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public List<JsonObject> statuses() {
    return new JsonArray(get("/api/cameras")).stream().map(JsonObject.class::cast).toList();
  }

  public long liveCameras() {
    return statuses().stream().filter(c -> "live".equals(c.getString("state"))).count();
  }

  /** The sum of the values of the series whose line starts so (a name and a space, or a name and "{..."). */
  public double metric(String lineStart) {
    return get("/metrics").lines().filter(l -> l.startsWith(lineStart))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
