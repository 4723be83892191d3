package io.visionroi.http;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.bus.FramesWaiting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's bookkeeping as viewers come and go at the worst moments, on a real event bus with the worker's
 * group answer stood in for (the MP4 path with a real camera is Mp4StreamTest's and ConnectionChurnTest's).
 */
@ExtendWith(VertxExtension.class)
class ViewerHubTest {

  private static final FrameCodec FRAMES = new FrameCodec();
  private static final String CAMERA = "c";

  /** A viewer's channel that keeps what it is sent; {@link #drop()} is the client going away. */
  private static final class RecordingChannel implements ViewerChannel {
    final List<Buffer> sent = new ArrayList<>();
    private Handler<Void> onClose;
    private boolean closed;
    boolean full;

    void drop() {
      closed = true;
      onClose.handle(null);
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
      onClose = handler;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void sendText(String json) {
    }

    @Override
    public void sendBinary(Buffer data) {
      sent.add(data);
    }

    @Override
    public Future<Void> close(short code, String reason) {
      closed = true;
      return Future.succeededFuture();
    }
  }

  private static Frame frame(long seq, Frame.Kind kind) {
    return new Frame(CAMERA, 1, 1, seq, System.currentTimeMillis(), kind, Buffer.buffer(kind + "-" + seq));
  }

  private static Mp4Viewer mp4Viewer(ViewerHub hub, RecordingChannel channel) {
    return new Mp4Viewer(channel, false, 0, hub.meters(CAMERA), gone -> hub.leave(CAMERA, gone));
  }

  private static JpegViewer jpegViewer(ViewerHub hub, RecordingChannel channel) {
    return new JpegViewer(channel, false, 0, 0, hub.meters(CAMERA), gone -> hub.leave(CAMERA, gone));
  }

  /**
   * MP4 viewers leave while the node's request for the group is on its way, and another comes before the
   * answer (a page's tile scrolled out of sight and back, beside a JPEG viewer that keeps the camera's
   * audience): the newcomer still gets the group.
   */
  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void anMp4ViewerThatComesWhileAnEarlierOnesGroupIsAskedGetsTheGroup(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().registerDefaultCodec(Frame.class, FRAMES);
    Buffer group = FRAMES.encodeAll(List.of(frame(1, Frame.Kind.MP4_INIT), frame(2, Frame.Kind.MP4_KEY)));
    // the worker answers slowly, as one busy with dozens of cameras may
    vertx.eventBus().consumer(Addresses.gop(CAMERA), ask -> vertx.setTimer(300, t -> ask.reply(group)));
    vertx.runOnContext(v -> {
      ViewerHub hub = new ViewerHub(vertx, new SimpleMeterRegistry());
      hub.join(CAMERA, jpegViewer(hub, new RecordingChannel()));
      RecordingChannel leaving = new RecordingChannel();
      hub.join(CAMERA, mp4Viewer(hub, leaving));
      RecordingChannel coming = new RecordingChannel();
      vertx.setTimer(100, t -> {
        leaving.drop();
        hub.join(CAMERA, mp4Viewer(hub, coming));
      });
      vertx.setTimer(1500, t -> test.verify(() -> {
        assertEquals(List.of("MP4_INIT-1", "MP4_KEY-2"), coming.sent.stream().map(Buffer::toString).toList(),
            "the newcomer started with the group");
        test.completeNow();
      }));
    });
  }

  /** A viewer closed while a frame is fanned out (too slow: 4008) costs the others nothing. */
  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void aViewerClosedDuringTheFanOutDoesNotCostTheOthersTheFrame(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().registerDefaultCodec(Frame.class, FRAMES);
    vertx.runOnContext(v -> {
      ViewerHub hub = new ViewerHub(vertx, new SimpleMeterRegistry());
      RecordingChannel stuck = new RecordingChannel();
      stuck.full = true;
      hub.join(CAMERA, new JpegViewer(stuck, false, 0, 50, hub.meters(CAMERA), gone -> hub.leave(CAMERA, gone)));
      List<RecordingChannel> others = List.of(new RecordingChannel(), new RecordingChannel());
      others.forEach(channel -> hub.join(CAMERA, jpegViewer(hub, channel)));
      // the first frame finds the stuck viewer blocked, the second one blocked for longer than its send timeout
      vertx.setTimer(200, t -> vertx.eventBus().publish(Addresses.frames(CAMERA), frame(1, Frame.Kind.JPEG)));
      vertx.setTimer(400, t -> vertx.eventBus().publish(Addresses.frames(CAMERA), frame(2, Frame.Kind.JPEG)));
      vertx.setTimer(700, t -> test.verify(() -> {
        assertTrue(stuck.isClosed(), "the stuck viewer was closed");
        for (RecordingChannel channel : others) {
          assertEquals(List.of("JPEG-1", "JPEG-2"), channel.sent.stream().map(Buffer::toString).toList());
        }
        assertEquals(2, hub.viewerCount());
        test.completeNow();
      }));
    });
  }

  /**
   * The node's HTTP thread stalls while a camera sends 100 frames, published as the camera's worker does (if
   * {@link FramesWaiting} admits them): at most {@link FramesWaiting#LIMIT} wait for it, the rest are dropped and
   * counted, and the MP4 viewer skips from the gap to the next keyframe instead of being sent fragments it
   * cannot decode.
   */
  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  void aStalledHubKeepsFewFramesWaitingAndItsMp4ViewerResumesAtTheNextKeyframe(Vertx vertx, VertxTestContext test)
      throws Exception {
    vertx.eventBus().registerDefaultCodec(Frame.class, FRAMES);
    Buffer group = FRAMES.encodeAll(List.of(frame(1, Frame.Kind.MP4_INIT), frame(2, Frame.Kind.MP4_KEY)));
    vertx.eventBus().consumer(Addresses.gop(CAMERA), ask -> ask.reply(group));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingChannel channel = new RecordingChannel();
    io.vertx.core.Context hubContext = vertx.getOrCreateContext();
    CountDownLatch joined = new CountDownLatch(1);
    hubContext.runOnContext(v -> {
      ViewerHub hub = new ViewerHub(vertx, registry);
      hub.join(CAMERA, mp4Viewer(hub, channel));
      vertx.setTimer(300, t -> joined.countDown());
    });
    assertTrue(joined.await(5, TimeUnit.SECONDS));
    CountDownLatch stalled = new CountDownLatch(1);
    hubContext.runOnContext(v -> {
      stalled.countDown();
      sleep(1000); // the HTTP thread busy elsewhere
    });
    assertTrue(stalled.await(5, TimeUnit.SECONDS));
    for (long seq = 3; seq <= 102; seq++) {
      publishAsTheWorkerDoes(vertx, frame(seq, Frame.Kind.MP4_DELTA));
    }
    sleep(1500);
    publishAsTheWorkerDoes(vertx, frame(103, Frame.Kind.MP4_KEY));
    publishAsTheWorkerDoes(vertx, frame(104, Frame.Kind.MP4_DELTA));
    sleep(300);
    hubContext.runOnContext(v -> test.verify(() -> {
      List<String> expected = new ArrayList<>(List.of("MP4_INIT-1", "MP4_KEY-2"));
      for (long seq = 3; seq < 3 + FramesWaiting.LIMIT; seq++) {
        expected.add("MP4_DELTA-" + seq);
      }
      expected.addAll(List.of("MP4_KEY-103", "MP4_DELTA-104"));
      assertEquals(expected, channel.sent.stream().map(Buffer::toString).toList(),
          "the frames that waited, then from the next keyframe on");
      assertEquals(100 - FramesWaiting.LIMIT,
          registry.get("visionroi.camera.frames.dropped").tag("camera", CAMERA).counter().count());
      test.completeNow();
    }));
  }

  private static void publishAsTheWorkerDoes(Vertx vertx, Frame frame) {
    FramesWaiting waiting = FramesWaiting.at(vertx, Addresses.mp4(CAMERA));
    if (waiting == null || waiting.admit()) {
      vertx.eventBus().publish(Addresses.mp4(CAMERA), frame);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
