package io.visionroi.rtsp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** RTP on the reader's RTSP connection (RFC 2326, 10.12), what NVRs and ffmpeg use through a proxy. */
public final class InterleavedTransport implements RtpTransport {

  private final NetSocket socket;
  private final int channel;

  public InterleavedTransport(NetSocket socket, int channel) {
    this.socket = socket;
    this.channel = channel;
  }

  public int channel() {
    return channel;
  }

  @Override
  public void send(Buffer interleaved) {
    socket.write(interleaved);
  }

  @Override
  public boolean full() {
    return socket.writeQueueFull();
  }

  @Override
  public String transportHeader() {
    return "RTP/AVP/TCP;unicast;interleaved=" + channel + "-" + (channel + 1);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture(); // the connection is the session's, closed with it
  }
}
