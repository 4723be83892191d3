package io.visionroi.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback "camera" that accepts TCP connections and then never answers: each socket is kept open and
 * never read nor written, like a camera whose RTSP server hangs after the handshake. Only the client's
 * own timeout can end such a connection. {@link #close()} closes the listener and every connection.
 */
public final class BlackholeCamera implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> connections = new ArrayList<>();
  private final Thread acceptor;

  public BlackholeCamera() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    acceptor = new Thread(this::accept, "blackhole-camera-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String url() {
    return "rtsp://127.0.0.1:" + server.getLocalPort() + "/cam";
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How many connections it has accepted so far. */
  public synchronized int accepted() {
    return connections.size();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    synchronized (this) {
      for (Socket socket : connections) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing the rest anyway.
        }
      }
    }
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        synchronized (this) {
          connections.add(socket);
          if (server.isClosed()) {
            socket.close(); // accepted while close() ran
          }
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }
}
