package io.visionroi.camera;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.FrameCodec;
import io.visionroi.config.CameraConfig;
import io.visionroi.support.Processes;
import io.visionroi.support.RtspCamera;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One camera's worker alone, driven by orders as its supervisor would send them, with real ffmpeg. */
@ExtendWith(VertxExtension.class)
class CameraVerticleTest {

  private static final CameraConfig PATTERN = CameraConfig.of("w", "W", "lavfi:testsrc2=size=160x120:rate=10");

  private static void order(Vertx vertx, FfmpegAction action, long generation) {
    order(vertx, PATTERN, action, generation);
  }

  private static void order(Vertx vertx, CameraConfig camera, FfmpegAction action, long generation) {
    vertx.eventBus().send(Addresses.ffmpeg(camera.id()), new FfmpegOrder(action, generation).toJson());
  }

  private static void deploy(Vertx vertx, CameraConfig camera) {
    vertx.deployVerticle(new CameraVerticle(camera, "ffmpeg"), new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("camera-" + camera.id()).setWorkerPoolSize(1)).await();
  }

  @Test
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  void theClockCountsTheGenerationsOwnPicturesOnlyNotItsInitSegmentNorItsJpegEncoders(Vertx vertx,
      VertxTestContext test) throws Throwable {
    vertx.eventBus().registerDefaultCodec(Frame.class, new FrameCodec());
    try (RtspCamera rtsp = RtspCamera.h264(1).start()) {
      CameraConfig camera = CameraConfig.of("m", "M", rtsp.url());
      FrameClock clock = FrameClock.register(vertx, camera.id());
      List<Frame> mp4 = new CopyOnWriteArrayList<>();
      List<Frame> jpeg = new CopyOnWriteArrayList<>();
      List<FfmpegEvent> pictures = new CopyOnWriteArrayList<>();
      vertx.eventBus().<Frame>consumer(Addresses.mp4(camera.id()), m -> mp4.add(m.body()));
      vertx.eventBus().<Frame>consumer(Addresses.frames(camera.id()), m -> jpeg.add(m.body()));
      vertx.eventBus().<JsonObject>consumer(Addresses.ffmpegEvents(camera.id()), m -> {
        FfmpegEvent event = FfmpegEvent.fromJson(m.body());
        if (event.kind() == FfmpegEvent.Kind.PICTURE) {
          pictures.add(event);
        }
      });
      deploy(vertx, camera);
      order(vertx, camera, FfmpegAction.START, 1);
      long wanting = vertx.setPeriodic(1000, id -> vertx.eventBus().send(Addresses.jpegWanted(camera.id()), null));
      assertTrue(Processes.waitFor(20_000, () -> jpeg.size() >= 5 && mp4.size() >= 10),
          () -> "MP4 and its JPEG encoder's pictures: " + mp4.size() + " / " + jpeg.size());
      vertx.cancelTimer(wanting);
      order(vertx, camera, FfmpegAction.STOP, 1);
      Thread.sleep(800); // what was published before the stop has arrived
      long ownPictures = mp4.stream().filter(f -> f.kind().isPicture()).count();
      assertTrue(mp4.stream().anyMatch(f -> f.kind() == Frame.Kind.MP4_INIT));
      assertEquals(new FrameClock.Reading(1, ownPictures, mp4.get(mp4.size() - 1).readAt()), clock.read(),
          "every MP4 picture, and nothing else, counted: " + jpeg.size() + " JPEG pictures were not");
      assertEquals(1, pictures.size(), "the supervisor is told of the first picture, once: " + pictures);
    }
    test.completeNow();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void ordersThatPileUpAreMergedAndNoFrameOfAStoppedGenerationIsPublished(Vertx vertx, VertxTestContext test)
      throws Throwable {
    vertx.eventBus().registerDefaultCodec(Frame.class, new FrameCodec());
    List<FfmpegEvent> events = new CopyOnWriteArrayList<>();
    List<Frame> frames = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ffmpegEvents(PATTERN.id()), m -> events.add(FfmpegEvent.fromJson(m.body())));
    vertx.eventBus().<Frame>consumer(Addresses.frames(PATTERN.id()), m -> frames.add(m.body()));
    vertx.deployVerticle(new CameraVerticle(PATTERN, "ffmpeg"),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("camera-w").setWorkerPoolSize(1))
        .await();

    // Ten STARTs at once, as a flood of restart requests would send them: one ffmpeg, the newest generation.
    vertx.runOnContext(v -> {
      for (int gen = 1; gen <= 10; gen++) {
        order(vertx, FfmpegAction.START, gen);
      }
    });
    assertTrue(Processes.waitFor(10_000, () -> frames.stream().anyMatch(f -> f.generation() == 10)), "frames of generation 10");
    // ffmpeg's stderr has a reader of its own: what it tells may arrive after the first frames.
    assertTrue(Processes.waitFor(5000, () -> events.stream().anyMatch(e -> e.kind() == FfmpegEvent.Kind.SOURCE
        && e.generation() == 10 && "rawvideo".equals(e.detail()))), () -> "the codec comes from ffmpeg's own stderr: " + events);
    long started = events.stream().filter(e -> e.kind() == FfmpegEvent.Kind.STARTED).count();
    assertTrue(started <= 2, started + " ffmpeg started for 10 piled-up orders");
    FfmpegEvent last = events.stream().filter(e -> e.kind() == FfmpegEvent.Kind.STARTED).reduce((a, b) -> b).orElseThrow();
    assertEquals(10, last.generation());

    order(vertx, FfmpegAction.STOP, 10);
    assertTrue(Processes.waitFor(5000, () -> !Processes.isRunning(last.pid())), "stopped: its group is gone");
    int atStop = frames.size();
    Thread.sleep(500);
    assertEquals(atStop, frames.size(), "no frame after the stop");
    assertFalse(events.stream().anyMatch(e -> e.kind() == FfmpegEvent.Kind.EXITED), "a kill on order is no news");
    test.completeNow();
  }
}
