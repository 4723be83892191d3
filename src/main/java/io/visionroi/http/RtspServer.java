package io.visionroi.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTSP re-stream ({@code rtsp.port}): every camera again at {@code rtsp://HOST:PORT/{id}}, from the one
 * session the service holds with it, for NVRs, Frigate and players. Open connections are capped like HTTP's
 * ({@code http.maxConnections}, a quarter of it per address); a connection that carries nothing for a
 * minute is closed. Runs on the HTTP verticle's event loop, beside the viewers it shares the hub with.
 */
final class RtspServer {

  private static final Logger LOG = LoggerFactory.getLogger(RtspServer.class);

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final int maxConnections;
  private final RtspAccess access;
  private final RtpPictures pictures = new RtpPictures();
  private final AddressTally connectionsFrom;
  private int connections;
  private NetServer server;

  RtspServer(Vertx vertx, String host, int port, int maxConnections, RtspAccess access, MeterRegistry registry) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.maxConnections = maxConnections;
    this.access = access;
    this.connectionsFrom = new AddressTally(maxConnections);
    Gauge.builder("visionroi.rtsp.readers", pictures, RtpPictures::readers)
        .description("RTSP readers on this node with their camera's stream described").register(registry);
  }

  Future<Void> listen() {
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port)
        .setIdleTimeout(RtspConnection.SESSION_TIMEOUT_SECONDS));
    return server.connectHandler(this::connected).listen()
        .recover(e -> Future.failedFuture(PortTaken.asBindException(e, host, port, "the RTSP re-stream",
            "rtsp.port or RTSP_PORT, 0 for no re-stream")))
        .onSuccess(s -> LOG.info("RTSP re-stream on rtsp://{}:{}/CAMERA_ID", host, s.actualPort()))
        .mapEmpty();
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void connected(NetSocket socket) {
    String address = AddressTally.counted(socket.remoteAddress());
    if (connections >= maxConnections || connectionsFrom.full(address)) {
      socket.close();
      return;
    }
    connections++;
    connectionsFrom.add(address);
    new RtspConnection(vertx, socket, access, pictures, () -> {
      connections--;
      connectionsFrom.remove(address);
    });
  }
}
