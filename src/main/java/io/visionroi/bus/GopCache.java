package io.visionroi.bus;

import java.util.ArrayList;
import java.util.List;

/**
 * What a new MP4 viewer needs to show a picture at once: the current generation's init segment and the
 * fragments since the last keyframe (a fragment cannot be decoded without those before it). Fed with one
 * camera's MP4 frames in publish order; a gap in their numbers, a new generation or worker, or a group beyond
 * the bounds (its part of the node's {@link VideoBudget}, {@value #MAX_FRAMES} frames) empties the group until
 * the next keyframe. Thread-safe: a camera's reader thread feeds it while requests read it.
 */
public final class GopCache {

  /** Ten seconds at 60 fps: the longest keyframe interval of a camera we expect, at a high rate. */
  public static final int MAX_FRAMES = 600;

  private final VideoBudget budget;
  private Frame init;
  private final List<Frame> group = new ArrayList<>();
  private long groupBytes;
  /** The last frame taken or refused, or null before any. */
  private Frame last;
  /** False once a group was let go for the bounds, until a keyframe fits again: new viewers wait for the next. */
  private boolean fits = true;

  public GopCache(VideoBudget budget) {
    this.budget = budget;
  }

  /**
   * Takes the next MP4 frame of the camera; JPEG frames are no business of this cache. True when it changed
   * whether the camera's groups fit ({@link #fits}).
   */
  public synchronized boolean add(Frame frame) {
    if (frame.kind().format() != StreamFormat.MP4) {
      return false;
    }
    boolean fitted = fits;
    boolean gap = last != null && !frame.follows(last);
    last = frame;
    switch (frame.kind()) {
      case MP4_INIT -> {
        init = frame;
        clearGroup();
      }
      case MP4_KEY -> {
        clearGroup();
        if (init != null && init.sameGeneration(frame)) {
          fits = append(frame);
        }
      }
      case MP4_DELTA -> {
        if (gap || group.isEmpty() || !group.get(0).sameGeneration(frame)) {
          clearGroup();
        } else if (group.size() >= MAX_FRAMES || !append(frame)) {
          clearGroup();
          fits = false;
        }
      }
    }
    return fits != fitted;
  }

  /** Starts over from a replay another cache made (a node's first viewer of the camera), then the frames seen since. */
  public synchronized void restartFrom(List<Frame> replay, List<Frame> seenSince) {
    init = null;
    clearGroup();
    last = null;
    replay.forEach(this::add);
    seenSince.stream().filter(f -> last == null || !f.notAfter(last)).forEach(this::add);
  }

  /**
   * The init segment and the group since the last keyframe, in order: what a new viewer starts with. Only the
   * init segment between a lost group and the next keyframe; empty before any init segment.
   */
  public synchronized List<Frame> replay() {
    if (init == null) {
      return List.of();
    }
    List<Frame> replay = new ArrayList<>(group.size() + 1);
    replay.add(init);
    replay.addAll(group);
    return replay;
  }

  /**
   * False while this camera's groups outgrow the bounds: a new viewer then starts at the next keyframe, not at
   * once. True again once a whole keyframe fits.
   */
  public synchronized boolean fits() {
    return fits;
  }

  /** Whether the replay holds a picture, not only the init segment. */
  public synchronized boolean hasGroup() {
    return !group.isEmpty();
  }

  /** Whether the init segment of that frame's generation is here. */
  public synchronized boolean hasInitOf(Frame frame) {
    return init != null && init.sameGeneration(frame);
  }

  public synchronized void clear() {
    init = null;
    clearGroup();
  }

  /** False when the budget has no room for it. */
  private boolean append(Frame frame) {
    if (!budget.take(groupBytes, frame.data().length())) {
      return false;
    }
    group.add(frame);
    groupBytes += frame.data().length();
    return true;
  }

  private void clearGroup() {
    budget.giveBack(groupBytes);
    group.clear();
    groupBytes = 0;
  }
}
