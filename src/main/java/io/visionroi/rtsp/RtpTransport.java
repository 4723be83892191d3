package io.visionroi.rtsp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * How one reader's RTP packets travel: on its RTSP connection ({@link InterleavedTransport}) or as UDP
 * datagrams to the ports it named ({@link UdpTransport}).
 */
public interface RtpTransport {

  /** Sends the packets of {@link RtpStream#packets}, each behind its interleaved header. */
  void send(Buffer interleaved);

  /** True while what was sent has not left yet beyond the bound (never for UDP, which drops instead). */
  boolean full();

  /** The SETUP answer's Transport header. */
  String transportHeader();

  Future<Void> close();
}
