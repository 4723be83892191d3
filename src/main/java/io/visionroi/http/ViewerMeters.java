package io.visionroi.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What this node sent to a camera's viewers, for /metrics: frames sent, frames skipped (a viewer's socket was
 * full, or the frame too old; or the node's viewers too far behind: {@code FramesWaiting}) and bytes. Tagged with the camera id only.
 */
record ViewerMeters(Counter sent, Counter dropped, Counter bytes) {

  static ViewerMeters register(MeterRegistry registry, String cameraId) {
    return new ViewerMeters(
        Counter.builder("visionroi.camera.frames.sent").description("frames sent to viewers, all viewers counted")
            .tag("camera", cameraId).register(registry),
        Counter.builder("visionroi.camera.frames.dropped")
            .description("frames skipped: a viewer's socket was full or the frame too old, or this node's viewers"
                + " were too far behind (counted once)")
            .tag("camera", cameraId).register(registry),
        Counter.builder("visionroi.camera.bytes.sent").description("JPEG bytes sent to viewers")
            .tag("camera", cameraId).register(registry));
  }
}
