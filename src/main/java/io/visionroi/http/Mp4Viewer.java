package io.visionroi.http;

import io.visionroi.bus.CameraState;
import io.visionroi.bus.Frame;
import io.visionroi.bus.StreamFormat;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Consumer;

/**
 * An MP4 viewer gets each generation's init segment, then its fragments from a keyframe on, none twice. A
 * fragment needs those before it back to its keyframe, so a single one is never dropped: after a gap in the
 * frames offered (dropped before they reached it) it waits for the next keyframe, and when the socket is
 * still backed up as a keyframe comes, the viewer skips that whole group and starts again at the next
 * keyframe (its page skips ahead to the live edge). What waits in the socket stays bounded by about one group.
 * An MP4 viewer of a camera that sends JPEG is closed with 4415.
 */
final class Mp4Viewer extends ViewerBridge {

  /** The newest init segment offered: sent before the first keyframe of its generation. */
  private Frame init;
  /** The init segment this viewer got last: its fragments are the ones it can decode. Null before any. */
  private Frame sentInit;
  /** The newest frame offered, or null: none is offered twice, nor an older one of the same worker. */
  private Frame last;
  private boolean waitForKeyframe = true;

  Mp4Viewer(ViewerChannel channel, boolean meta, long sendTimeoutMillis, ViewerMeters meters,
      Consumer<ViewerBridge> onGone) {
    super(channel, meta, sendTimeoutMillis, meters, onGone);
  }

  /**
   * A status that says the camera's ffmpeg sends JPEG (on connect, or later) sends this viewer away to ask for
   * JPEG; one that says outage or failed is the hub's to answer with 1013.
   */
  @Override
  void sendStatus(JsonObject status) {
    super.sendStatus(status);
    if (StreamFormat.JPEG.wireName().equals(status.getString("output"))
        && !CameraState.fromWireName(status.getString("state")).sendsViewersAway()) {
      close(CloseCodes.NOT_MP4, "camera sends JPEG: connect without ?format=mp4");
    }
  }

  /** The init segment and group a new viewer starts with. */
  void replay(List<Frame> frames) {
    frames.forEach(this::offer);
  }

  @Override
  void offer(Frame frame) {
    if (!open() || (last != null && frame.notAfter(last))) {
      return;
    }
    boolean gap = last == null || !frame.follows(last);
    last = frame;
    long now = System.currentTimeMillis();
    switch (frame.kind()) {
      case MP4_INIT -> init = frame;
      case MP4_KEY -> {
        if (backedUp(now) || init == null || !init.sameGeneration(frame)) {
          meters.dropped().increment();
          waitForKeyframe = true;
          return;
        }
        if (sentInit == null || !sentInit.sameGeneration(frame)) {
          write(init);
          sentInit = init;
        }
        waitForKeyframe = false;
        write(frame);
      }
      case MP4_DELTA -> {
        if (gap || waitForKeyframe || sentInit == null || !sentInit.sameGeneration(frame)) {
          waitForKeyframe = true;
          meters.dropped().increment();
          return;
        }
        backedUp(now); // the group goes on regardless; only a viewer stuck for sendTimeout is closed
        write(frame);
      }
      case JPEG -> { }
    }
  }

  @Override
  void onDrain() {
    // The next keyframe goes out: nothing is held back.
  }

  @Override
  void release() {
    init = null;
    sentInit = null;
    last = null;
  }
}
