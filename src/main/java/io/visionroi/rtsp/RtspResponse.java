package io.visionroi.rtsp;

import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An RTSP response being put together: status, headers in order (a name may repeat), body. */
public final class RtspResponse {

  private final int status;
  private final List<String[]> headers = new ArrayList<>();
  private byte[] body = new byte[0];

  private RtspResponse(int status) {
    this.status = status;
  }

  /** A response to {@code request}, repeating its CSeq. */
  public static RtspResponse to(RtspRequest request, int status) {
    RtspResponse response = new RtspResponse(status);
    if (request != null && request.cseq() != null) {
      response.header("CSeq", request.cseq());
    }
    return response;
  }

  public RtspResponse header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  public RtspResponse body(String contentType, String text) {
    body = text.getBytes(StandardCharsets.UTF_8);
    return header("Content-Type", contentType);
  }

  public Buffer encode() {
    StringBuilder head = new StringBuilder().append(RtspVersions.RTSP_1_0).append(' ').append(status).append(' ')
        .append(RtspResponseStatuses.valueOf(status).reasonPhrase()).append("\r\n");
    headers.forEach(h -> head.append(h[0]).append(": ").append(h[1]).append("\r\n"));
    head.append("Server: VisionROI\r\n");
    if (body.length > 0) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    return Buffer.buffer(head.toString().getBytes(StandardCharsets.ISO_8859_1)).appendBytes(body);
  }
}
