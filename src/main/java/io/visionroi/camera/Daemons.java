package io.visionroi.camera;

/** The threads that block on ffmpeg's pipes: daemons, so that they never keep a stopping JVM alive. */
final class Daemons {

  private Daemons() {
  }

  static Thread start(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
