package io.visionroi.cluster;

import io.vertx.core.Future;

import java.util.Set;

/** What a {@link Placement} needs of its node: run exactly these cameras here. */
public interface CameraRunner {

  /**
   * Runs exactly the cameras with these ids on this node, stopping every other one. Completes once the
   * stopped cameras' ffmpeg are gone, so a camera released after it never runs on two nodes at once.
   */
  default Future<Void> runOnly(Set<String> ids) {
    return runOnly(ids, Set.of());
  }

  /**
   * The same, and {@code silent} cameras too, which run without a word to anyone (taking over from another
   * node): a silent camera named in {@code ids} later speaks from then on.
   */
  Future<Void> runOnly(Set<String> ids, Set<String> silent);

  /** Whether a camera running silent here holds a picture its viewers could start with. */
  Future<Boolean> readyToSpeak(String id);
}
