package io.visionroi.http;

import io.visionroi.bus.StreamFormat;
import io.visionroi.mp4.Mp4Track;
import io.visionroi.rtsp.InterleavedTransport;
import io.visionroi.rtsp.RtpStream;
import io.visionroi.rtsp.RtpTransport;
import io.visionroi.rtsp.UdpTransport;
import io.visionroi.rtsp.RtspAuth;
import io.visionroi.rtsp.RtspRequest;
import io.visionroi.rtsp.RtspRequestReader;
import io.visionroi.rtsp.RtspResponse;
import io.visionroi.rtsp.Sdp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.security.SecureRandom;

/**
 * One reader's RTSP connection (RFC 2326): OPTIONS, DESCRIBE, SETUP (RTP interleaved on this connection, or
 * unicast UDP to the reader's address; multicast is answered 461), PLAY, GET_PARAMETER and SET_PARAMETER as
 * keep-alives, TEARDOWN. A UDP session lasts as long as its RTSP connection, which the reader's keep-alives
 * hold open. One camera per connection, at {@code rtsp://HOST:PORT/{id}}. The
 * reader is a {@link Mp4Viewer} of the camera on an {@link RtspChannel}, so it is let in, counted, started at a
 * keyframe and sent away exactly as a browser's MP4 viewer is; the stream ends with the connection.
 * Requests are answered one at a time, in order.
 */
final class RtspConnection {

  private static final Logger LOG = LoggerFactory.getLogger(RtspConnection.class);
  /** How long a DESCRIBE waits for the camera's stream (an on-demand camera starts for it). */
  static final long DESCRIBE_WAIT_MILLIS = 15_000;
  static final int SESSION_TIMEOUT_SECONDS = 60;
  /** Nonces and session ids a stranger must not guess. */
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern CLIENT_PORTS = Pattern.compile("CLIENT_PORT=(\\d{1,5})(?:-(\\d{1,5}))?");
  private static final Pattern INTERLEAVED = Pattern.compile("INTERLEAVED=(\\d{1,3})");
  private static final String METHODS = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER, SET_PARAMETER";

  private final Vertx vertx;
  private final NetSocket socket;
  private final RtspAccess access;
  private final RtpPictures pictures;
  private final RtspRequestReader reader = new RtspRequestReader();
  private final String nonce = randomHex(16);
  private boolean busy;
  private boolean closed;
  /** The camera described on this connection, its reader and the stream set up for it; null before. */
  private String cameraId;
  private RtspChannel channel;
  private ViewerBridge viewer;
  private RtpStream stream;
  private RtpTransport transport;
  private String sessionId;

  /** @param onClosed called once the connection closed, by either side */
  RtspConnection(Vertx vertx, NetSocket socket, RtspAccess access, RtpPictures pictures, Runnable onClosed) {
    this.vertx = vertx;
    this.socket = socket;
    this.access = access;
    this.pictures = pictures;
    socket.handler(this::received);
    socket.exceptionHandler(e -> LOG.debug("RTSP connection from {}: {}", socket.remoteAddress(), e.getMessage()));
    socket.closeHandler(v -> {
      closed = true;
      if (channel != null) {
        channel.connectionClosed();
      }
      if (transport != null) {
        transport.close();
      }
      onClosed.run();
    });
  }

  private void received(Buffer bytes) {
    reader.feed(bytes);
    answerPending();
  }

  private void answerPending() {
    while (!busy && !closed) {
      RtspRequest request;
      try {
        request = reader.next();
      } catch (RtspRequestReader.Malformed e) {
        LOG.debug("RTSP connection from {}: {}", socket.remoteAddress(), e.getMessage());
        socket.write(RtspResponse.to(null, 400).encode()).eventually(socket::close);
        closed = true;
        return;
      }
      if (request == null) {
        return;
      }
      busy = true;
      answer(request).onComplete(done -> {
        busy = false;
        answerPending();
      });
    }
  }

  /** Answers one request; completes once the answer (and what follows it) is written. */
  private Future<Void> answer(RtspRequest request) {
    if (request.cseq() == null) {
      return send(RtspResponse.to(request, 400));
    }
    if (request.method().equals("OPTIONS")) {
      return send(RtspResponse.to(request, 200).header("Public", METHODS));
    }
    long heldBack = access.heldBackFor(socket.remoteAddress());
    if (heldBack > 0) {
      return send(RtspResponse.to(request, 503).header("Retry-After", String.valueOf((heldBack + 999) / 1000)));
    }
    if (!access.authenticated(request, nonce, socket.remoteAddress())) {
      RtspResponse refusal = RtspResponse.to(request, 401);
      access.challenges(nonce).forEach(c -> refusal.header("WWW-Authenticate", c));
      return send(refusal);
    }
    return switch (request.method()) {
      case "DESCRIBE" -> describe(request);
      case "SETUP" -> setup(request);
      case "PLAY" -> play(request);
      case "TEARDOWN" -> teardown(request);
      case "GET_PARAMETER", "SET_PARAMETER" -> inSession(request) ? send(withSession(RtspResponse.to(request, 200)))
          : send(RtspResponse.to(request, 454));
      case "ANNOUNCE", "RECORD" -> send(RtspResponse.to(request, 405).header("Allow", METHODS));
      default -> send(RtspResponse.to(request, 501).header("Public", METHODS));
    };
  }

  private Future<Void> describe(RtspRequest request) {
    String id = cameraOf(request.uri());
    if (id == null || !access.knows(id)) {
      return send(RtspResponse.to(request, 404));
    }
    return readerOf(id).compose(track -> send(RtspResponse.to(request, 200)
            .header("Content-Base", baseOf(request.uri()))
            .body("application/sdp", Sdp.describe(track, "VisionROI " + id, Math.abs(nonce.hashCode())))),
        failure -> refuse(request, failure.getMessage()));
  }

  private Future<Void> setup(RtspRequest request) {
    String id = cameraOf(request.uri());
    if (id == null || !access.knows(id)) {
      return send(RtspResponse.to(request, 404));
    }
    if (stream != null || (sessionId != null && !inSession(request))) {
      return send(RtspResponse.to(request, 459)); // one stream per connection
    }
    return readerOf(id).transform(described -> described.failed() ? refuse(request, described.cause().getMessage())
        : transportFor(request.header("Transport")).compose(chosen -> {
          if (chosen == null) {
            return send(RtspResponse.to(request, 461)); // multicast only, or nothing the service speaks
          }
          transport = chosen;
          stream = new RtpStream(chosen instanceof InterleavedTransport interleaved ? interleaved.channel() : 0);
          sessionId = randomHex(8);
          return send(withSession(RtspResponse.to(request, 200).header("Transport", chosen.transportHeader())));
        }));
  }

  /**
   * The first transport the reader offers that the service speaks: RTP on this connection, or unicast UDP to
   * the reader's own address; null for none (multicast).
   */
  private Future<RtpTransport> transportFor(String offered) {
    for (String option : offered == null ? new String[0] : offered.split(",")) {
      String spec = option.trim().toUpperCase(Locale.ROOT);
      if (spec.startsWith("RTP/AVP/TCP")) {
        return Future.succeededFuture(new InterleavedTransport(socket, interleavedChannel(spec)));
      }
      Matcher ports = CLIENT_PORTS.matcher(spec);
      if ((spec.startsWith("RTP/AVP;") || spec.startsWith("RTP/AVP/UDP")) && !spec.contains("MULTICAST")
          && ports.find()) {
        int rtp = Integer.parseInt(ports.group(1));
        int rtcp = ports.group(2) == null ? rtp + 1 : Integer.parseInt(ports.group(2));
        if (rtp > 0 && rtp <= 65535 && rtcp > 0 && rtcp <= 65535) {
          return UdpTransport.open(vertx, socket.localAddress().hostAddress(), socket.remoteAddress().hostAddress(),
              rtp, rtcp).map(RtpTransport.class::cast).otherwise((RtpTransport) null);
        }
      }
    }
    return Future.succeededFuture(null);
  }

  private Future<Void> play(RtspRequest request) {
    if (!inSession(request)) {
      return send(RtspResponse.to(request, 454));
    }
    if (stream == null || channel == null || channel.isClosed()) {
      return send(RtspResponse.to(request, 455));
    }
    return send(withSession(RtspResponse.to(request, 200).header("Range", "npt=0.000-")
        .header("RTP-Info", "url=" + baseOf(request.uri()) + Sdp.TRACK + ";seq=" + stream.nextSequence())))
        .onSuccess(v -> channel.play(stream, transport));
  }

  private Future<Void> teardown(RtspRequest request) {
    if (!inSession(request)) {
      return send(RtspResponse.to(request, 454));
    }
    return send(withSession(RtspResponse.to(request, 200))).eventually(this::close);
  }

  /**
   * This connection's reader of the camera, described: made with the first DESCRIBE or SETUP (which the
   * node's limits may refuse), then the same one.
   */
  private Future<Mp4Track> readerOf(String id) {
    if (channel != null) {
      return id.equals(cameraId) ? channel.described() : Future.failedFuture("one camera per connection");
    }
    String refusal = access.viewers().refusal(socket.remoteAddress());
    if (refusal != null) {
      return Future.failedFuture(refusal);
    }
    cameraId = id;
    channel = new RtspChannel(socket, id, pictures);
    viewer = access.viewers().attach(id, channel, StreamFormat.MP4, false, socket.remoteAddress());
    Promise<Mp4Track> described = Promise.promise();
    long timer = vertx.setTimer(DESCRIBE_WAIT_MILLIS, t -> described.tryFail("camera '" + id + "' has no video"));
    channel.described().onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        described.tryComplete(result.result());
      } else {
        described.tryFail(result.cause());
      }
    });
    return described.future();
  }

  /** The reader could not be made or described: the reason is said, and the connection ends. */
  private Future<Void> refuse(RtspRequest request, String reason) {
    boolean notMp4 = channel != null && channel.notMp4();
    LOG.debug("RTSP reader from {} refused: {}", socket.remoteAddress(), reason);
    if (viewer != null) {
      viewer.close(CloseCodes.GOING_AWAY, reason);
    }
    RtspResponse response = RtspResponse.to(request, notMp4 ? 415 : 503).header("X-Reason", reason.replaceAll("[\\r\\n]", " "));
    return send(response).eventually(this::close);
  }

  private boolean inSession(RtspRequest request) {
    String given = request.header("Session");
    return sessionId != null && given != null && given.split(";")[0].trim().equals(sessionId);
  }

  private RtspResponse withSession(RtspResponse response) {
    return response.header("Session", sessionId + ";timeout=" + SESSION_TIMEOUT_SECONDS);
  }

  private Future<Void> send(RtspResponse response) {
    if (closed) {
      return Future.succeededFuture();
    }
    return socket.write(response.encode());
  }

  private Future<Void> close() {
    closed = true;
    return socket.close();
  }

  /** The camera id: the URI's first path segment, decoded; null when the URI is malformed. */
  static String cameraOf(String uri) {
    try {
      String path = URI.create(uri).getRawPath();
      if (path == null) {
        return null;
      }
      String first = path.replaceFirst("^/+", "").split("/")[0];
      return first.isEmpty() ? null : URLDecoder.decode(first, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /** The Content-Base: the camera's URL as the reader wrote it, with a slash after the id. */
  private String baseOf(String uri) {
    URI parsed = URI.create(uri);
    String origin = parsed.getScheme() != null && parsed.getRawAuthority() != null
        ? parsed.getScheme() + "://" + parsed.getRawAuthority()
        : "rtsp://" + socket.localAddress().hostAddress() + ":" + socket.localAddress().port(); // a bare path
    return origin + "/" + parsed.getRawPath().replaceFirst("^/+", "").split("/")[0] + "/";
  }

  private static int interleavedChannel(String transport) {
    Matcher m = INTERLEAVED.matcher(transport);
    int wanted = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return wanted <= 254 ? wanted : 0;
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
