package io.visionroi.cluster;

import io.vertx.core.Future;

import java.util.Set;

/** What a {@link Placement} needs of its node: run exactly these cameras here. */
public interface CameraRunner {

  /**
   * Runs exactly the cameras with these ids on this node, stopping every other one. Completes once the
   * stopped cameras' ffmpeg are gone, so a camera released after it never runs on two nodes at once.
   */
  Future<Void> runOnly(Set<String> ids);
}
