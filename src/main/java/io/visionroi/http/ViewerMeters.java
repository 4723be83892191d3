package io.visionroi.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What this node sent to a camera's viewers, for /metrics: frames sent, frames a viewer skipped (its socket
 * was full, or the frame too old) and bytes. Tagged with the camera id only.
 */
record ViewerMeters(Counter sent, Counter dropped, Counter bytes) {

  static ViewerMeters register(MeterRegistry registry, String cameraId) {
    return new ViewerMeters(
        Counter.builder("visionroi.camera.frames.sent").description("frames sent to viewers, all viewers counted")
            .tag("camera", cameraId).register(registry),
        Counter.builder("visionroi.camera.frames.dropped")
            .description("frames a viewer skipped: its socket was full or the frame too old")
            .tag("camera", cameraId).register(registry),
        Counter.builder("visionroi.camera.bytes.sent").description("JPEG bytes sent to viewers")
            .tag("camera", cameraId).register(registry));
  }
}
