package io.visionroi.config;

import java.time.Duration;

/**
 * The stream timings of contract §2. {@link Duration#ZERO} turns one off.
 *
 * @param outageGrace   no frame for this long is an outage
 * @param outageRetry   while an outage lasts, viewers are closed and ffmpeg retried at most this often
 * @param maxFrameDelay a frame older than this is dropped, not sent
 * @param sendTimeout   a viewer whose writes stay blocked this long is closed
 */
public record StreamSettings(Duration outageGrace, Duration outageRetry, Duration maxFrameDelay, Duration sendTimeout) {
}
