package io.visionroi.watchdog;

import io.visionroi.bus.CameraState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * A supervised camera's series for /metrics, read from its {@link CameraMonitor} when scraped: nothing is
 * done per frame for them. Tagged with the camera id only (never the URL, which may hold a password).
 */
final class CameraMeters {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  CameraMeters(MeterRegistry registry, CameraMonitor monitor) {
    this.registry = registry;
    String id = monitor.camera().id();
    meters.add(FunctionCounter.builder("visionroi.camera.frames.read", monitor, CameraMonitor::frames)
        .description("JPEG frames read from ffmpeg").tag("camera", id).register(registry));
    meters.add(FunctionCounter.builder("visionroi.camera.restarts", monitor, CameraMonitor::restarts)
        .description("ffmpeg starts after the first").tag("camera", id).register(registry));
    meters.add(FunctionCounter.builder("visionroi.camera.outages", monitor, CameraMonitor::outages)
        .description("times the camera went into outage").tag("camera", id).register(registry));
    meters.add(Gauge.builder("visionroi.camera.last.frame.age.seconds", monitor,
            m -> m.lastFrameAgeSeconds(System.currentTimeMillis()))
        .description("seconds since the last frame").tag("camera", id).register(registry));
    for (CameraState state : CameraState.values()) {
      meters.add(Gauge.builder("visionroi.camera.state", monitor, m -> m.state() == state ? 1 : 0)
          .description("1 for the camera's current state").tag("camera", id).tag("state", state.wireName())
          .register(registry));
    }
  }

  /** The camera is gone: its series go too. */
  void remove() {
    meters.forEach(registry::remove);
  }
}
