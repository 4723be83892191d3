package io.visionroi.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Counts every camera's ffmpeg on all nodes of a cluster every 100 ms, on a thread of its own, until closed:
 * what the cluster tests assert "never twice" on.
 */
public final class FfmpegCensus implements AutoCloseable {

  /** The ffmpeg count per camera id at one moment (epoch ms). */
  public record Sample(long at, Map<String, Long> counts) {

    public boolean onceEach(Set<String> cameras) {
      return cameras.stream().allMatch(c -> counts.getOrDefault(c, 0L) == 1L);
    }

    public boolean anyTwice() {
      return counts.values().stream().anyMatch(n -> n > 1);
    }
  }

  private final ClusterNodes cluster;
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  /** Why the census stopped early: a census with a hole in it must fail the test, not pass it. */
  private volatile RuntimeException broken;

  public FfmpegCensus(ClusterNodes cluster) {
    this.cluster = cluster;
    this.thread = new Thread(this::count, "ffmpeg-census");
    thread.setDaemon(true);
    thread.start();
  }

  private void count() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        samples.add(new Sample(System.currentTimeMillis(), cluster.ffmpegPerCamera()));
      } catch (RuntimeException e) {
        broken = e;
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The first sample at or after {@code from} in which each of these cameras has exactly one ffmpeg. */
  public Optional<Sample> firstOnceEach(long from, Set<String> cameras) {
    return samplesFrom(from).stream().filter(s -> s.onceEach(cameras)).findFirst();
  }

  /** The first sample at or after {@code from} in which some camera has two ffmpeg or more. */
  public Optional<Sample> firstTwice(long from) {
    return samplesFrom(from).stream().filter(Sample::anyTwice).findFirst();
  }

  /** The samples taken at or after {@code from}. */
  public List<Sample> samplesFrom(long from) {
    if (broken != null) {
      throw new IllegalStateException("the ffmpeg census stopped", broken);
    }
    synchronized (samples) {
      return samples.stream().filter(s -> s.at() >= from).toList();
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
