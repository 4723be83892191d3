package io.visionroi.rtsp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * RTP as UDP datagrams (RFC 2326, 12.39, {@code client_port}): to the reader's own address only, whatever
 * it asks, so the service sends video to no third party. The server's pair of ports (RTP even, RTCP the next)
 * is bound on the RTSP port's address; what comes in on them (receiver reports) is read and dropped.
 */
public final class UdpTransport implements RtpTransport {

  private static final int BIND_TRIES = 16;

  private final DatagramSocket rtp;
  private final DatagramSocket rtcp;
  private final String clientHost;
  private final int clientRtpPort;
  private final int clientRtcpPort;

  private UdpTransport(DatagramSocket rtp, DatagramSocket rtcp, String clientHost, int clientRtpPort,
      int clientRtcpPort) {
    this.rtp = rtp;
    this.rtcp = rtcp;
    this.clientHost = clientHost;
    this.clientRtpPort = clientRtpPort;
    this.clientRtcpPort = clientRtcpPort;
  }

  /** A pair of ports on {@code localHost} sending to {@code clientHost}'s ports; fails when none is free. */
  public static Future<UdpTransport> open(Vertx vertx, String localHost, String clientHost, int clientRtpPort,
      int clientRtcpPort) {
    return bindPair(vertx, localHost, BIND_TRIES)
        .map(pair -> new UdpTransport(pair[0], pair[1], clientHost, clientRtpPort, clientRtcpPort));
  }

  private static Future<DatagramSocket[]> bindPair(Vertx vertx, String host, int tries) {
    DatagramSocket first = vertx.createDatagramSocket(new DatagramSocketOptions());
    return first.listen(0, host).compose(rtp -> {
      int port = rtp.localAddress().port();
      if (port % 2 != 0 || port == 65535) {
        return rtp.close().compose(v -> retry(vertx, host, tries));
      }
      DatagramSocket second = vertx.createDatagramSocket(new DatagramSocketOptions());
      return second.listen(port + 1, host)
          .map(rtcp -> {
            rtp.handler(packet -> { });
            rtcp.handler(packet -> { });
            return new DatagramSocket[] {rtp, rtcp};
          })
          .recover(taken -> rtp.close().compose(v -> retry(vertx, host, tries)));
    });
  }

  private static Future<DatagramSocket[]> retry(Vertx vertx, String host, int tries) {
    return tries > 1 ? bindPair(vertx, host, tries - 1) : Future.failedFuture("no free pair of UDP ports");
  }

  @Override
  public void send(Buffer interleaved) {
    int at = 0;
    while (at + 4 <= interleaved.length()) {
      int length = interleaved.getUnsignedShort(at + 2);
      rtp.send(interleaved.getBuffer(at + 4, at + 4 + length), clientRtpPort, clientHost);
      at += 4 + length;
    }
  }

  @Override
  public boolean full() {
    return false;
  }

  @Override
  public String transportHeader() {
    return "RTP/AVP;unicast;client_port=" + clientRtpPort + "-" + clientRtcpPort + ";server_port="
        + rtp.localAddress().port() + "-" + rtcp.localAddress().port();
  }

  @Override
  public Future<Void> close() {
    return Future.join(rtp.close(), rtcp.close()).mapEmpty();
  }
}
