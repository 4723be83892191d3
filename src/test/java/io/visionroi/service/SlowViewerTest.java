package io.visionroi.service;

import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every viewer gets every frame it can take; a viewer that stops reading holds nobody back. */
class SlowViewerTest {

  @Test
  void aStuckViewerIsClosedWith4008AndTheOthersKeepEveryFrame() throws Exception {
    try (RunningService service = RunningService.start(new JsonObject("""
        {"stream": {"sendTimeout": 0.6},
         "cameras": [{"id": "big", "url": "lavfi:testsrc2=size=1280x720:rate=25"}]}"""));
         Socket stuck = new Socket()) {
      ViewerClient first = service.viewer("big");
      ViewerClient second = service.viewer("big");
      assertTrue(first.awaitFrames(10, 10_000) && second.awaitFrames(10, 10_000));

      // A viewer that upgrades, then reads nothing: the kernel buffers fill and the service's writes back up.
      stuck.setReceiveBufferSize(4096);
      stuck.connect(new InetSocketAddress("127.0.0.1", service.port));
      stuck.getOutputStream().write(("GET /ws/cameras/big HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      int before = first.frames.size();
      long readBefore = service.getJson("/api/cameras/big").getLong("frames");
      Thread.sleep(8000);

      // Everything the service sent it, read now: frames, then a close frame, then nothing more.
      stuck.setSoTimeout(1500);
      ByteBuffer sent = ByteBuffer.wrap(drain(stuck.getInputStream()));
      skipHttpHeaders(sent);
      int[] last = lastFrame(sent);
      assertEquals(0x8, last[0], "the last thing sent is a close frame");
      assertEquals(4008, last[1]);

      // Against what the service read in the same time, whatever a busy machine let ffmpeg encode.
      int got = first.frames.size() - before;
      long read = service.getJson("/api/cameras/big").getLong("frames") - readBefore;
      assertTrue(read > 0 && got >= read * 0.9 - 3, got + " of " + read + " frames: the stuck viewer held nobody back");
      assertTrue(Math.abs(first.frames.size() - second.frames.size()) <= 3, "equal shares");
      first.close();
      second.close();
    }
  }

  /** Reads until the peer sends nothing for the socket timeout (or closes), 10 s at most. */
  private static byte[] drain(InputStream in) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    long end = System.currentTimeMillis() + 10_000;
    try {
      int n;
      while (System.currentTimeMillis() < end && (n = in.read(chunk)) >= 0) {
        all.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException quiet) {
      // nothing more is coming
    }
    return all.toByteArray();
  }

  private static void skipHttpHeaders(ByteBuffer b) {
    while (!(b.get(b.position()) == '\r' && b.get(b.position() + 1) == '\n' && b.get(b.position() + 2) == '\r'
        && b.get(b.position() + 3) == '\n')) {
      b.position(b.position() + 1);
    }
    b.position(b.position() + 4);
  }

  /** Walks the server's WebSocket frames (unmasked); the last one's opcode and, for a close, its code. */
  private static int[] lastFrame(ByteBuffer b) {
    int[] last = {-1, -1};
    while (b.remaining() >= 2) {
      int opcode = b.get() & 0x0F;
      long length = b.get() & 0x7F;
      if (length == 126) {
        length = b.getShort() & 0xFFFF;
      } else if (length == 127) {
        length = b.getLong();
      }
      if (b.remaining() < length) {
        break;
      }
      last[0] = opcode;
      last[1] = opcode == 0x8 && length >= 2 ? b.getShort(b.position()) & 0xFFFF : -1;
      b.position(b.position() + (int) length);
    }
    return last;
  }
}
