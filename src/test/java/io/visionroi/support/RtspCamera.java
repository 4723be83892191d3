package io.visionroi.support;

import java.util.ArrayList;
import java.util.List;

/**
 * A loopback RTSP camera made of GStreamer's RTSP server ({@code scripts/rtsp-camera.py}): a moving test
 * pattern in H.264, H.265 or MJPEG over RTSP/TCP and RTP/UDP, optionally behind Basic auth. Started,
 * frozen, thawed and stopped as a {@link CameraScript}: {@link #stop()} then {@link #start()} is a camera
 * that reboots at the same address.
 *
 * <pre>
 * try (RtspCamera camera = RtspCamera.h264(2).withAuth("admin", "secret").start()) {
 *   String url = camera.url();   // rtsp://admin:secret@127.0.0.1:PORT/cam
 * }
 * </pre>
 */
public final class RtspCamera implements TestCamera {

  private final CameraScript server = new CameraScript("scripts/rtsp-camera.py");
  private final String codec;
  private final int gopSeconds;
  private String size = "640x480";
  private int fps = 15;
  private int bitrateKbits = 1000;
  private boolean noise;
  private String path = "/cam";
  private String user;
  private String password;
  private boolean shared;
  private boolean alwaysWatched;
  /** The plain client of {@link #alwaysWatched()} while the camera runs. */
  private ToolRun watcher;
  private boolean seekOnPlay;
  private double jumpEverySeconds;
  private double jumpBySeconds;

  private RtspCamera(String codec, int gopSeconds) {
    this.codec = codec;
    this.gopSeconds = gopSeconds;
  }

  /** H.264 with a key frame every {@code gopSeconds}. */
  public static RtspCamera h264(int gopSeconds) {
    return new RtspCamera("h264", gopSeconds);
  }

  /** H.265 with a key frame every {@code gopSeconds}. */
  public static RtspCamera h265(int gopSeconds) {
    return new RtspCamera("h265", gopSeconds);
  }

  /** RTP/JPEG: every frame is a key frame. */
  public static RtspCamera mjpeg() {
    return new RtspCamera("mjpeg", 1);
  }

  /** Basic auth: without these credentials (or with others) the camera answers 401. */
  public RtspCamera withAuth(String user, String password) {
    this.user = user;
    this.password = password;
    return this;
  }

  /** One pipeline for all clients, as most cameras do; by default each client gets its own. */
  public RtspCamera shared() {
    this.shared = true;
    return this;
  }

  /**
   * With {@link #shared()}: one plain client always on (a stream copy to nothing), so the encoder runs
   * whoever else watches and a new session waits for the next keyframe, as on a real camera. It goes with
   * the camera.
   */
  public RtspCamera alwaysWatched() {
    this.alwaysWatched = true;
    return this;
  }

  /**
   * GStreamer's own behaviour instead of a camera's: every client's PLAY (ffmpeg sends {@code Range:
   * npt=0.000-}) flush-seeks the pipeline, so with {@link #shared()} each new client restarts the
   * timestamps (and the GOP) of every client already watching.
   */
  public RtspCamera seekOnPlay() {
    this.seekOnPlay = true;
    return this;
  }

  /** Frame size, {@code WIDTHxHEIGHT}; 640x480 by default. */
  public RtspCamera size(String size) {
    this.size = size;
    return this;
  }

  /** Frames per second; 15 by default. */
  public RtspCamera fps(int fps) {
    this.fps = fps;
    return this;
  }

  /**
   * A camera's main stream: a noisy picture that makes the encoder really spend {@code kbits} a second (a
   * ball on black costs it almost nothing whatever the bitrate).
   */
  public RtspCamera noisyAt(int kbits) {
    this.bitrateKbits = kbits;
    this.noise = true;
    return this;
  }

  /** The path served (others give 404); {@code /cam} by default. */
  public RtspCamera path(String path) {
    this.path = path.startsWith("/") ? path : "/" + path;
    return this;
  }

  /** Every {@code everySeconds} the RTP timestamps step back by {@code bySeconds} (at most everySeconds). */
  public RtspCamera jumpingBack(double everySeconds, double bySeconds) {
    this.jumpEverySeconds = everySeconds;
    this.jumpBySeconds = bySeconds;
    return this;
  }

  /** Starts the server and returns once it listens; throws if it has not within ~10 s. */
  @Override
  public RtspCamera start() {
    List<String> arguments = new ArrayList<>(List.of("--codec", codec, "--gop", Integer.toString(gopSeconds),
        "--fps", Integer.toString(fps), "--size", size, "--path", path, "--bitrate", Integer.toString(bitrateKbits)));
    if (noise) {
      arguments.add("--noise");
    }
    if (user != null) {
      arguments.addAll(List.of("--user", user, "--password", password));
    }
    if (shared) {
      arguments.add("--shared");
    }
    if (seekOnPlay) {
      arguments.add("--seek-on-play");
    }
    if (jumpEverySeconds > 0) {
      arguments.addAll(List.of("--jump-every", Double.toString(jumpEverySeconds),
          "--jump-by", Double.toString(jumpBySeconds)));
    }
    server.start(arguments);
    if (alwaysWatched) {
      try {
        watcher = ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "quiet", "-rtsp_transport", "tcp",
            "-i", url(), "-c", "copy", "-f", "null", "-");
      } catch (java.io.UncheckedIOException e) {
        server.stop();
        throw e;
      }
    }
    return this;
  }

  /** The URL to read it with, holding the credentials when it has auth. */
  @Override
  public String url() {
    return user == null ? plainUrl() : urlWith(user, password);
  }

  /** The URL with these credentials, right or wrong. */
  public String urlWith(String user, String password) {
    return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port() + path;
  }

  /** The URL without credentials. */
  public String plainUrl() {
    return "rtsp://127.0.0.1:" + port() + path;
  }

  public int port() {
    return server.port();
  }

  /** RTSP sessions clients opened with this camera since it was made (over its restarts too). */
  public int sessionsOpened() {
    return server.sessionsOpened();
  }

  /** The server's pid while it runs. */
  @Override
  public long pid() {
    return server.pid();
  }

  /** SIGSTOP: connections stay open and nothing more is sent, nor answered. */
  @Override
  public void freeze() {
    server.freeze();
  }

  /** SIGCONT after {@link #freeze()}. */
  @Override
  public void thaw() {
    server.thaw();
  }

  /** SIGKILL, like a camera losing power: returns once it is gone and its port refuses connections. */
  @Override
  public void stop() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    server.stop();
  }

  @Override
  public void close() {
    stop();
  }
}
