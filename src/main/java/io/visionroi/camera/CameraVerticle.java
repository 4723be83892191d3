package io.visionroi.camera;

import io.visionroi.mp4.Mp4Codec;
import io.visionroi.bus.Addresses;
import io.visionroi.bus.FfmpegEvent;
import io.visionroi.bus.FfmpegOrder;
import io.visionroi.bus.Frame;
import io.visionroi.bus.FrameClock;
import io.visionroi.bus.FrameCodec;
import io.visionroi.bus.FramesWaiting;
import io.visionroi.bus.GopCache;
import io.visionroi.bus.StreamFormat;
import io.visionroi.bus.VideoBudget;
import io.visionroi.config.CameraConfig;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Owns one camera's ffmpeg: at most one {@link Generation} (one process) at a time, and a new one only once the
 * old group is gone, so the camera never sees two sessions from us. Deployed as a worker verticle on a pool
 * of its own, because killing a process and waiting for it to be gone blocks, and one slow camera must not
 * delay another. It starts and kills ffmpeg only when its supervisor says so ({@link FfmpegOrder}) and
 * reports what ffmpeg did ({@link FfmpegEvent}); the decisions (outage, retries) are the watchdog's.
 * <p>
 * Frames are read on a dedicated thread per generation and published directly (the event bus is
 * thread-safe) through the {@link FrameGate}, unless too many wait for this node's viewers ({@link FramesWaiting});
 * the generation's own pictures are counted on its supervisor's {@link FrameClock}. Once a generation is stopped
 * or replaced, none of its frames is published any more. A worker that takes a camera over from another node
 * starts silent: it reads and keeps frames but publishes nothing and answers no request until told to speak.
 * <p>
 * What ffmpeg makes of the source follows the camera's {@code output} ({@link OutputChoice}): JPEG frames, or
 * (for H.264) the camera's own stream as fragmented MP4, for browsers to decode. An MP4 camera keeps its current
 * group of pictures for new viewers ({@link GopCache}) and runs a JPEG encoder on that stream while JPEG viewers
 * or snapshots want it ({@link JpegOnDemand}).
 */
public class CameraVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(CameraVerticle.class);
  private static final FrameCodec FRAMES = new FrameCodec();

  private final CameraConfig camera;
  private final String ffmpegPath;
  private final boolean startsSilent;
  private final OutputChoice choice;

  private EventBus bus;
  /** Made at start, with the node's video budget. */
  private GopCache group;
  private Snapshots snapshots;
  private FrameGate gate;
  private JpegOnDemand jpeg;
  /** The running generation, or null. */
  private Generation current;
  private volatile boolean stopping;
  /** The newest order not carried out yet: orders that pile up while ffmpeg is being killed are merged. */
  private FfmpegOrder wanted;

  public CameraVerticle(CameraConfig camera, String ffmpegPath) {
    this(camera, ffmpegPath, false);
  }

  /** @param silent whether it starts silent, taking over from another node */
  public CameraVerticle(CameraConfig camera, String ffmpegPath, boolean silent) {
    this.camera = camera;
    this.ffmpegPath = ffmpegPath;
    this.startsSilent = silent;
    this.choice = new OutputChoice(camera);
  }

  @Override
  public void start() {
    bus = vertx.eventBus();
    group = new GopCache(VideoBudget.of(vertx));
    snapshots = new Snapshots(vertx);
    gate = new FrameGate(vertx, camera.id(), startsSilent, group, snapshots);
    jpeg = new JpegOnDemand(camera, ffmpegPath, gate, group);
    bus.<JsonObject>localConsumer(Addresses.ffmpeg(camera.id()), m -> want(FfmpegOrder.fromJson(m.body())));
    bus.<Object>localConsumer(Addresses.jpegWanted(camera.id()), m -> jpeg.wantedByViewer(current));
    bus.<String>localConsumer(Addresses.takeover(camera.id()), m -> {
      if ("speak".equals(m.body())) {
        speak();
        m.reply(true);
      } else {
        m.reply(ready());
      }
    });
    if (!startsSilent) {
      answerRequests();
    }
    vertx.setPeriodic(1000, id -> jpeg.stopIfUnwanted());
  }

  /** Cluster-wide request addresses: one worker per camera answers them, so a silent one does not yet. */
  private void answerRequests() {
    bus.<Object>consumer(Addresses.snapshot(camera.id()), this::onSnapshot);
    bus.<Object>consumer(Addresses.gop(camera.id()), this::onGroupWanted);
  }

  /** Whether a viewer could start with what a silent worker holds: a group from a keyframe, or a JPEG. */
  private boolean ready() {
    return current != null && (choice.chosenMp4() ? group.hasGroup() : snapshots.latest() != null);
  }

  /** Told to speak: publishes from now on, and answers requests. */
  private void speak() {
    if (gate.speak()) {
      answerRequests();
    }
  }

  @Override
  public void stop() {
    stopping = true;
    ensureFfmpegGone();
  }

  /**
   * Runs on this worker's context, from another thread, unless the worker is stopping: its pool of one
   * thread shuts down with it and refuses tasks then (the exit of an ffmpeg killed by the stop is no news).
   */
  private void later(Runnable task) {
    if (!stopping) {
      context.runOnContext(v -> task.run());
    }
  }

  /**
   * Orders are carried out by a task queued behind the orders already delivered, so when several START
   * and STOP came while the worker was busy, only the newest is carried out.
   */
  private void want(FfmpegOrder order) {
    boolean queued = wanted != null;
    wanted = order;
    if (!queued) {
      context.runOnContext(v -> {
        FfmpegOrder newest = wanted;
        wanted = null;
        switch (newest.action()) {
          case START -> startGeneration(newest.generation(), newest.askFirst());
          case STOP -> ensureFfmpegGone();
        }
      });
    }
  }

  private void onSnapshot(Message<Object> request) {
    boolean mp4 = choice.chosenMp4();
    snapshots.answer(request, mp4);
    if (mp4) {
      jpeg.wantedBySnapshot(current);
    }
  }

  /** A node's first MP4 viewer of this camera asks for the group a picture can be decoded from. */
  private void onGroupWanted(Message<Object> request) {
    List<Frame> replay = group.replay();
    if (replay.isEmpty()) {
      request.fail(503, "no MP4 stream yet");
    } else {
      request.reply(FRAMES.encodeAll(replay));
    }
  }

  /** Kills the current generation's group, if any, and waits until it is gone. Its frames stop at once. */
  private void ensureFfmpegGone() {
    gate.close();
    jpeg.stop();
    Generation old = current;
    current = null;
    if (old != null) {
      old.ensureGone();
    }
  }

  private void startGeneration(long gen, boolean askFirst) {
    ensureFfmpegGone();
    if (askFirst && RtspAnswer.applies(camera)) {
      Optional<String> silent = RtspAnswer.problem(camera);
      if (silent.isPresent()) {
        report(new FfmpegEvent(FfmpegEvent.Kind.EXITED, gen, -1, silent.get(), List.of()));
        return;
      }
    }
    FfmpegCommand.Encoding encoding = choice.choose();
    List<String> command = FfmpegCommand.forCamera(ffmpegPath, camera, encoding);
    Generation started;
    try {
      started = Generation.start(command, camera.id(), gen, encoding,
          (kind, bytes, offset, length) -> publish(gen, kind, bytes, offset, length));
    } catch (IOException | RuntimeException e) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.SPAWN_FAILED, gen, -1, e.getMessage()));
      return;
    }
    current = started;
    StreamFormat format = OutputChoice.formatOf(encoding);
    gate.open(gen, format);
    LOG.debug("camera {}: ffmpeg generation {} started, pid {}", camera.id(), gen, started.pid());
    report(FfmpegEvent.of(FfmpegEvent.Kind.STARTED, gen, started.pid(), format.wireName()));
    started.startReading(codec -> later(() -> onSourceCodec(gen, codec)), () -> later(() -> onExited(started)));
  }

  private void onSourceCodec(long gen, String codec) {
    Generation running = current;
    if (running == null || running.number() != gen) {
      return;
    }
    if (choice.unsuitable(codec)) {
      long pid = running.pid();
      ensureFfmpegGone();
      report(FfmpegEvent.of(FfmpegEvent.Kind.UNSUITABLE, gen, pid,
          "output \"mp4\" needs an H.264 or H.265 source, and this camera sends " + codec));
      return;
    }
    choice.remember(codec);
    report(FfmpegEvent.of(choice.outdated() ? FfmpegEvent.Kind.OUTDATED : FfmpegEvent.Kind.SOURCE, gen,
        running.pid(), codec));
  }

  /** On the generation's reader thread, or its JPEG encoder's. */
  private void publish(long gen, Frame.Kind kind, byte[] bytes, int offset, int length) {
    // The one copy of a frame: out of the reader's buffer into the Buffer every viewer then shares.
    Buffer data = Buffer.buffer(length).appendBytes(bytes, offset, length);
    FrameGate.Passed passed = gate.pass(gen, kind, data);
    if (passed == null) {
      return;
    }
    if (passed.firstPicture()) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.PICTURE, gen, -1, null));
    }
    if (passed.groupFitChanged()) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.REPLAY, gen, -1,
          group.fits() ? FfmpegEvent.REPLAY_GROUP : FfmpegEvent.REPLAY_KEYFRAME));
    }
    if (kind == Frame.Kind.MP4_INIT) {
      report(FfmpegEvent.of(FfmpegEvent.Kind.MEDIA, gen, -1, Mp4Codec.mimeOf(bytes, offset, offset + length)));
    } else if (passed.keyframeWithoutEncoder() && jpeg.isWanted(passed.at())) {
      later(() -> jpeg.ensureRunning(current));
    } else if (kind == Frame.Kind.JPEG && snapshots.waiting()) {
      later(snapshots::answerWaiting);
    }
  }

  private void onExited(Generation exited) {
    if (exited.wasKilled() || exited != current) {
      return; // killed on purpose: the supervisor already knows
    }
    exited.awaitStderr();
    gate.close();
    jpeg.stop();
    current = null;
    report(exited.exited());
  }

  private void report(FfmpegEvent event) {
    bus.send(Addresses.ffmpegEvents(camera.id()), event.toJson(), Addresses.localOnly());
  }
}
