package io.visionroi.http;

import io.visionroi.bus.Addresses;
import io.visionroi.config.CameraConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The HTTP side's view of the cameras, on a real event bus. */
@ExtendWith(VertxExtension.class)
class CameraDirectoryTest {

  /**
   * A camera removed by a reload while its status is asked (its supervisor busy, or the camera moving) still
   * gets an answer: the request must not hang until the connection's idle timeout.
   */
  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void aCameraRemovedWhileItsStatusIsAskedIsAnsweredStopped(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().consumer(Addresses.control("gone"), silent -> { });
    vertx.runOnContext(v -> {
      CameraDirectory directory = new CameraDirectory(vertx.eventBus());
      directory.replace(List.of(CameraConfig.of("gone", "Gone", "lavfi:testsrc2")));
      directory.status("gone").onComplete(test.succeeding(status -> test.verify(() -> {
        assertEquals("stopped", status.getString("state"));
        assertEquals("Gone", status.getString("name"));
        test.completeNow();
      })));
      directory.replace(List.of());
    });
  }
}
