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

    /** The cameras with more than one ffmpeg. */
    public Set<String> doubled() {
      return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
          .collect(java.util.stream.Collectors.toSet());
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

  /**
   * The first sample at or after {@code from} beyond what make-before-break moves one at a time allow: more
   * than one camera with two ffmpeg, a camera with three, or a camera with two for longer than
   * {@code overlapMillis} (its first keyframe on the new node, one request and one kill).
   */
  public Optional<Sample> firstBeyondOneMove(long from, long overlapMillis) {
    return beyondOneMove(samplesFrom(from), overlapMillis).stream().findFirst();
  }

  /** Of these samples, in order, those beyond make-before-break moves one at a time (as above). */
  public static List<Sample> beyondOneMove(List<Sample> samples, long overlapMillis) {
    List<Sample> beyond = new ArrayList<>();
    Map<String, Long> doubledSince = new java.util.HashMap<>();
    for (Sample s : samples) {
      Set<String> doubled = s.doubled();
      doubledSince.keySet().retainAll(doubled);
      doubled.forEach(c -> doubledSince.putIfAbsent(c, s.at()));
      boolean tooLong = doubledSince.values().stream().anyMatch(since -> s.at() - since > overlapMillis);
      if (doubled.size() > 1 || s.counts().values().stream().anyMatch(n -> n > 2) || tooLong) {
        beyond.add(s);
      }
    }
    return beyond;
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
