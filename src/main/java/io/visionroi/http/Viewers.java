package io.visionroi.http;

import io.visionroi.bus.StreamFormat;
import io.visionroi.config.ServiceConfig;
import io.vertx.core.net.SocketAddress;

import java.util.function.Consumer;

/**
 * Lets viewers in, whatever they come by (a WebSocket, {@code stream.mjpeg}, {@code stream.mp4}, an RTSP
 * reader): the node's cap ({@code http.maxViewers}) and each address's share of it, then a viewer of the
 * format on its channel, joined to the node's {@link ViewerHub} and told the camera's status.
 */
final class Viewers {

  private final ServiceConfig config;
  private final ViewerHub hub;
  private final CameraDirectory directory;
  /** Viewers by client address: one client may hold a quarter of http.maxViewers. */
  private final AddressTally byAddress;

  Viewers(ServiceConfig config, ViewerHub hub, CameraDirectory directory) {
    this.config = config;
    this.hub = hub;
    this.directory = directory;
    this.byAddress = new AddressTally(config.access().maxViewers());
  }

  /** Why one more viewer from {@code remote} is refused, or null when it may come. */
  String refusal(SocketAddress remote) {
    int max = config.access().maxViewers();
    if (hub.viewerCount() >= max) {
      return "too many viewers on this node (http.maxViewers is " + max + ")";
    }
    if (byAddress.full(AddressTally.counted(remote))) {
      return "too many viewers from this address (a quarter of http.maxViewers: " + byAddress.limit() + ")";
    }
    return null;
  }

  /** A viewer of the camera on {@code channel}, from {@code remote}; it leaves the hub when it is gone. */
  ViewerBridge attach(String cameraId, ViewerChannel channel, StreamFormat format, boolean meta, SocketAddress remote) {
    String address = AddressTally.counted(remote);
    byAddress.add(address);
    Consumer<ViewerBridge> onGone = gone -> {
      hub.leave(cameraId, gone);
      byAddress.remove(address);
    };
    long sendTimeout = config.stream().sendTimeout().toMillis();
    ViewerBridge viewer = format == StreamFormat.MP4
        ? new Mp4Viewer(channel, meta, sendTimeout, hub.meters(cameraId), onGone)
        : new JpegViewer(channel, meta, config.stream().maxFrameDelay().toMillis(), sendTimeout, hub.meters(cameraId),
            onGone);
    hub.join(cameraId, viewer);
    directory.status(cameraId).onSuccess(viewer::sendStatus);
    return viewer;
  }
}
