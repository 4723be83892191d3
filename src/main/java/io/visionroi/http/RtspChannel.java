package io.visionroi.http;

import io.visionroi.mp4.Mp4Boxes;
import io.visionroi.mp4.Mp4Track;
import io.visionroi.rtsp.RtpPacketizer;
import io.visionroi.rtsp.RtpStream;
import io.visionroi.rtsp.RtpTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * An RTSP reader's side of a {@link Mp4Viewer}: the viewer hands it the init segment and the fragments from
 * a keyframe on, as to a browser, and it sends their pictures as RTP over the reader's RTSP connection. The
 * first init segment describes the stream (its SDP); until PLAY the current group is held (from its keyframe,
 * bounded), so that a reader starts with a picture at once. A new ffmpeg with the same parameter sets goes on
 * in the same RTP stream; one with others (another size or codec) ends the connection, for the reader to
 * describe it anew. Closing (an outage, a slow reader) ends the connection: the reader reconnects.
 */
final class RtspChannel implements ViewerChannel {

  /** Pictures held before PLAY at most: beyond, the group is dropped and the next keyframe waited for. */
  private static final int MAX_HELD = 600;

  private final NetSocket socket;
  private final String cameraId;
  private final RtpPictures pictures;
  private final Promise<Mp4Track> described = Promise.promise();
  private final List<Buffer> held = new ArrayList<>();
  private Handler<Void> closeHandler;
  private RtpPacketizer packetizer;
  private RtpStream stream;
  private RtpTransport transport;
  private boolean closed;
  /** The close code the viewer was sent away with (1013 outage, 4415 not MP4…), 0 while it is open. */
  private short closedWith;

  RtspChannel(NetSocket socket, String cameraId, RtpPictures pictures) {
    this.socket = socket;
    this.cameraId = cameraId;
    this.pictures = pictures;
  }

  /** The camera's stream as its first init segment describes it; failed if the viewer is closed before. */
  Future<Mp4Track> described() {
    return described.future();
  }

  /** Whether the viewer was sent away because the camera's stream is no H.264/H.265 (4415). */
  boolean notMp4() {
    return closedWith == CloseCodes.NOT_MP4;
  }

  /** Sends the held group and everything after it on {@code stream}, by {@code transport}. */
  void play(RtpStream stream, RtpTransport transport) {
    this.transport = transport;
    this.stream = stream;
    List<Buffer> group = List.copyOf(held);
    held.clear();
    group.forEach(this::sendFragment);
  }

  @Override
  public boolean writeQueueFull() {
    return stream != null && transport.full();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    closeHandler = handler;
  }

  /** The connection closed (by either side). */
  void connectionClosed() {
    closed = true;
    described.tryFail("connection closed");
    pictures.release(cameraId, this);
    Handler<Void> handler = closeHandler;
    closeHandler = null;
    if (handler != null) {
      handler.handle(null);
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void sendText(String json) {
    // RTSP 1.0 has no message from server to reader; the end of the connection says that the stream ended.
  }

  @Override
  public void sendBinary(Buffer segment) {
    if (closed || segment.length() < Mp4Boxes.HEADER) {
      return;
    }
    if (Mp4Boxes.isInitSegment(segment)) {
      onInit(segment);
    } else if (stream != null) {
      sendFragment(segment);
    } else if (packetizer != null) {
      hold(segment);
    }
  }

  private void onInit(Buffer segment) {
    byte[] bytes = segment.getBytes();
    Mp4Track track = Mp4Track.parse(bytes, 0, bytes.length);
    if (track == null) {
      close(CloseCodes.NOT_MP4, "the camera's stream is neither H.264 nor H.265");
      return;
    }
    if (packetizer != null && !packetizer.track().sameStreamAs(track)) {
      close(CloseCodes.GOING_AWAY, "the camera's stream changed: describe it again");
      return;
    }
    if (packetizer != null && stream != null) {
      stream.newTimeline();
    }
    held.clear();
    packetizer = new RtpPacketizer(track);
    pictures.retain(cameraId, this);
    described.tryComplete(track);
  }

  private void hold(Buffer fragment) {
    List<RtpPacketizer.Picture> these = pictures.of(cameraId, packetizer, fragment);
    if (!these.isEmpty() && these.get(0).keyframe()) {
      held.clear();
    }
    if (held.size() < MAX_HELD && (!held.isEmpty() || (!these.isEmpty() && these.get(0).keyframe()))) {
      held.add(fragment);
    } else {
      held.clear();
    }
  }

  private void sendFragment(Buffer fragment) {
    for (RtpPacketizer.Picture picture : pictures.of(cameraId, packetizer, fragment)) {
      transport.send(stream.packets(picture));
    }
  }

  @Override
  public Future<Void> close(short code, String reason) {
    if (closedWith == 0) {
      closedWith = code;
    }
    if (!described.future().isComplete()) {
      // The DESCRIBE still waits: it answers with the reason, then the connection ends.
      described.tryFail(reason);
      return Future.succeededFuture();
    }
    held.clear();
    return socket.close();
  }
}
