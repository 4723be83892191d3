package io.visionroi.config;

import java.time.Duration;

/**
 * The stream timings (README, "Configuration"). {@link Duration#ZERO} turns one off, where allowed.
 *
 * @param outageGrace   no frame for this long is an outage
 * @param outageRetry   while an outage lasts, viewers are closed and ffmpeg retried at most this often
 * @param firstFrameTimeout how long a new ffmpeg may take to its first frame (connecting, waiting for a
 *                      keyframe) before it is replaced; never zero
 * @param maxFrameDelay a frame older than this is dropped, not sent
 * @param sendTimeout   a viewer whose writes stay blocked this long is closed
 */
public record StreamSettings(Duration outageGrace, Duration outageRetry, Duration firstFrameTimeout,
    Duration maxFrameDelay, Duration sendTimeout) {
}
