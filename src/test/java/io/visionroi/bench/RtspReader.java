package io.visionroi.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bench's RTSP reader of H.264: DESCRIBE, SETUP (interleaved TCP), PLAY, then it counts pictures (marker
 * bits) and bytes and notes when each keyframe's first packet arrived. A GET_PARAMETER every 20 s keeps the
 * session of a server that wants one. No auth. Runs on a thread of its own until closed.
 */
final class RtspReader implements AutoCloseable {

  final AtomicLong pictures = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  /** System.nanoTime() at the first packet of each keyframe. */
  final List<Long> keyframes = new CopyOnWriteArrayList<>();
  private final Socket socket;
  private final Thread thread;
  private volatile boolean closed;

  RtspReader(String url) throws IOException {
    java.net.URI uri = java.net.URI.create(url);
    socket = new Socket(uri.getHost(), uri.getPort());
    socket.setTcpNoDelay(true);
    thread = new Thread(() -> run(url), "rtsp-reader");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(String url) {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String sdp = request(in, out, "DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n")[1];
      String control = null;
      boolean inVideo = false;
      for (String line : sdp.split("\r\n")) {
        inVideo |= line.startsWith("m=video");
        if (inVideo && line.startsWith("a=control:")) {
          control = line.substring("a=control:".length());
        }
      }
      String track = control == null ? url : control.startsWith("rtsp://") ? control : url + "/" + control;
      String[] setup = request(in, out, "SETUP " + track + " RTSP/1.0\r\nCSeq: 2\r\n"
          + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
      String session = header(setup[0], "Session").split(";")[0];
      out.write(("PLAY " + url + " RTSP/1.0\r\nCSeq: 3\r\nSession: " + session + "\r\nRange: npt=0.000-\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      long nextKeepAlive = System.nanoTime() + 20_000_000_000L;
      int cseq = 4;
      while (!closed) {
        if (System.nanoTime() > nextKeepAlive) {
          out.write(("GET_PARAMETER " + url + " RTSP/1.0\r\nCSeq: " + cseq++ + "\r\nSession: " + session + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          nextKeepAlive = System.nanoTime() + 20_000_000_000L;
        }
        int first = in.readUnsignedByte();
        if (first != '$') {
          skipResponse(in, first);
          continue;
        }
        int channel = in.readUnsignedByte();
        byte[] packet = new byte[in.readUnsignedShort()];
        in.readFully(packet);
        if (channel != 0 || packet.length < 14) {
          continue;
        }
        bytes.addAndGet(packet.length);
        int csrc = (packet[0] & 0x0F) * 4;
        int nal = packet[12 + csrc] & 0x1F;
        boolean keyframeStart = nal == 5
            || (nal == 28 && (packet[13 + csrc] & 0x80) != 0 && (packet[13 + csrc] & 0x1F) == 5);
        if (keyframeStart) {
          keyframes.add(System.nanoTime());
        }
        if ((packet[1] & 0x80) != 0) {
          pictures.incrementAndGet();
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** Sends a request and reads its answer: {head, body}. */
  private static String[] request(DataInputStream in, OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    String head = readHead(in, new StringBuilder());
    String length = header(head, "Content-Length");
    byte[] body = new byte[length.isEmpty() ? 0 : Integer.parseInt(length.trim())];
    in.readFully(body);
    return new String[] {head, new String(body, StandardCharsets.US_ASCII)};
  }

  private static void skipResponse(DataInputStream in, int first) throws IOException {
    String head = readHead(in, new StringBuilder().append((char) first));
    String length = header(head, "Content-Length");
    in.skipNBytes(length.isEmpty() ? 0 : Integer.parseInt(length.trim()));
  }

  private static String readHead(DataInputStream in, StringBuilder head) throws IOException {
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.readUnsignedByte());
    }
    if (!head.toString().startsWith("RTSP/1.0 200")) {
      throw new IOException("refused: " + head.toString().lines().findFirst().orElse(""));
    }
    return head.toString();
  }

  private static String header(String head, String name) {
    return head.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
        .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse("");
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
  }
}
