package io.visionroi.bench;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A bench viewer with {@code ?meta=1}: while measuring, records the seq of each frame it gets and its
 * latency from the service reading it off ffmpeg ({@code ts}) to this client receiving it.
 */
final class MetaViewer {

  final Set<Long> seqs = ConcurrentHashMap.newKeySet();
  final List<Long> latencies = new CopyOnWriteArrayList<>();
  volatile boolean measuring;
  WebSocket socket;

  static MetaViewer connect(WebSocketClient client, int port, String cameraId) throws Exception {
    MetaViewer viewer = new MetaViewer();
    long[] lastMeta = {-1, 0};
    viewer.socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/ws/cameras/" + cameraId + "?meta=1"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    viewer.socket.textMessageHandler(text -> {
      JsonObject msg = new JsonObject(text);
      if ("frame".equals(msg.getString("type"))) {
        lastMeta[0] = msg.getLong("seq");
        lastMeta[1] = msg.getLong("ts");
      }
    });
    viewer.socket.binaryMessageHandler(jpeg -> {
      if (viewer.measuring && lastMeta[0] >= 0) {
        viewer.seqs.add(lastMeta[0]);
        viewer.latencies.add(System.currentTimeMillis() - lastMeta[1]);
      }
    });
    return viewer;
  }
}
