package io.visionroi.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client on a plain socket, for what a library client will not do: open a WebSocket viewer or an MJPEG
 * stream and leave it the way browsers, phones and crashed programs leave (a close frame, a bare TCP close,
 * a reset), or hold a connection with one request answered.
 */
public final class RawViewer implements AutoCloseable {

  /** How a client leaves. */
  public enum Leaving {
    /** a close frame (1000), then waits for the service's close, as browsers do; plain TCP close elsewhere */
    CLOSE_FRAME,
    /** the socket closed without a close frame: a tab killed, a client that gives up */
    TCP_CLOSE,
    /** a reset: a phone that left the network, a crashed client */
    RESET
  }

  private final Socket socket;
  /** The answer's status line, e.g. {@code HTTP/1.1 101 Switching Protocols}. */
  public final String status;
  private final boolean webSocket;

  private RawViewer(Socket socket, String status, boolean webSocket) {
    this.socket = socket;
    this.status = status;
    this.webSocket = webSocket;
  }

  /** A WebSocket upgrade of {@code path} ({@code /ws/cameras/c0?format=mp4}), once answered. */
  public static RawViewer webSocket(int port, String path) throws IOException {
    return open(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", true);
  }

  /** A GET of {@code path} (a {@code stream.mjpeg}, or any request), once its head is answered. */
  public static RawViewer get(int port, String path) throws IOException {
    return open(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", false);
  }

  private static RawViewer open(int port, String request, boolean webSocket) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    try {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new RawViewer(socket, readHead(socket.getInputStream()), webSocket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  public boolean answered(int code) {
    return status.contains(" " + code + " ");
  }

  public void leave(Leaving how) throws IOException {
    if (how == Leaving.CLOSE_FRAME && webSocket) {
      // a masked close frame with code 1000, as a client must send it; then what the service still sends
      socket.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, 0x03 ^ 1, (byte) (0xE8 ^ 2)});
      byte[] sink = new byte[8192];
      while (socket.getInputStream().read(sink) >= 0) {
        // frames sent before our close frame was read
      }
    } else if (how == Leaving.RESET) {
      socket.setSoLinger(true, 0);
    }
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Reads the status line and headers; the status line. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int end = text.indexOf("\r\n");
    return end < 0 ? text : text.substring(0, end);
  }
}
