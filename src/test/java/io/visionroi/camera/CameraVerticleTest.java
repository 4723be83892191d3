package io.visionroi.camera;

import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegAction;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameCodec;
import io.visionroi.config.CameraConfig;
import io.visionroi.support.Processes;
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
    vertx.eventBus().send(Addresses.ffmpeg(PATTERN.id()), new FfmpegOrder(action, generation).toJson());
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
