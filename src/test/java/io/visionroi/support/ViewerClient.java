package io.visionroi.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real WebSocket viewer of one camera, recording everything it receives. */
public final class ViewerClient implements AutoCloseable {

  /** Close code and reason as the client saw them. */
  public record Close(short code, String reason, long atMillis) {
  }

  public final List<Buffer> frames = new CopyOnWriteArrayList<>();
  public final List<Long> frameTimes = new CopyOnWriteArrayList<>();
  public final List<JsonObject> texts = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Close> closed = new CompletableFuture<>();
  /** The HTTP port of the node it is connected to. */
  public final int port;
  private final WebSocketClient client;
  private final WebSocket socket;

  private ViewerClient(WebSocketClient client, WebSocket socket, int port) {
    this.client = client;
    this.socket = socket;
    this.port = port;
  }

  /** Connects, or throws (an {@code UpgradeRejectedException} cause for a refused upgrade). */
  public static ViewerClient connect(Vertx vertx, int port, String path) throws Exception {
    return connect(vertx, port, path, new WebSocketClientOptions());
  }

  /** Connects with these client options (e.g. a small receive buffer, for a slow viewer). */
  public static ViewerClient connect(Vertx vertx, int port, String path, WebSocketClientOptions options)
      throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions(options)
        .setMaxMessageSize(16 * 1024 * 1024).setMaxFrameSize(16 * 1024 * 1024));
    CompletableFuture<ViewerClient> connected = new CompletableFuture<>();
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path))
        .onSuccess(ws -> {
          ViewerClient viewer = new ViewerClient(client, ws, port);
          ws.binaryMessageHandler(b -> {
            viewer.frames.add(b);
            viewer.frameTimes.add(System.currentTimeMillis());
          });
          ws.textMessageHandler(t -> viewer.texts.add(new JsonObject(t)));
          ws.closeHandler(v -> viewer.closed.complete(
              new Close(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode(), ws.closeReason(),
                  System.currentTimeMillis())));
          connected.complete(viewer);
        })
        .onFailure(e -> {
          client.close();
          connected.completeExceptionally(e);
        });
    return connected.get(10, TimeUnit.SECONDS);
  }

  /** The longest time without a binary message from {@code from} until now (from {@code from} to the first one too). */
  public long longestGapSince(long from) {
    return longestGap(from, System.currentTimeMillis());
  }

  /** The longest time without a binary message between {@code from} and {@code to}, both ends counted. */
  public long longestGap(long from, long to) {
    long previous = from;
    long longest = 0;
    for (long at : frameTimes) {
      if (at > from && at <= to) {
        longest = Math.max(longest, at - previous);
        previous = at;
      }
    }
    return Math.max(longest, to - previous);
  }

  public boolean awaitFrames(int count, long timeoutMillis) {
    return Processes.waitFor(timeoutMillis, () -> frames.size() >= count);
  }

  /** Stops reading from the socket, as a viewer on a slow link does: the server's writes back up. */
  public void stopReading() {
    socket.pause();
  }

  public Close awaitClose(long timeoutMillis) throws Exception {
    return closed.get(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.close();
    }
    client.close();
  }

  /** True when the bytes are one complete JPEG: FFD8 at the start, FFD9 at the end. */
  public static boolean isJpeg(Buffer b) {
    int n = b.length();
    return n > 4 && b.getUnsignedByte(0) == 0xFF && b.getUnsignedByte(1) == 0xD8
        && b.getUnsignedByte(n - 2) == 0xFF && b.getUnsignedByte(n - 1) == 0xD9;
  }
}
