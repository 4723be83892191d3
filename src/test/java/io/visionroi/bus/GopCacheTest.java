package io.visionroi.bus;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a new MP4 viewer starts with, whatever gaps, generations and sizes the stream brings. */
class GopCacheTest {

  private final GopCache cache = new GopCache(new VideoBudget(16L * 1024 * 1024));

  private static Frame frame(long generation, long seq, Frame.Kind kind) {
    return frame(generation, seq, kind, 10);
  }

  private static Frame frame(long generation, long seq, Frame.Kind kind, int bytes) {
    return new Frame("door", 1, generation, seq, 0, kind, Buffer.buffer(new byte[bytes]));
  }

  private static Frame ofWorker(long worker, long seq, Frame.Kind kind) {
    return new Frame("door", worker, 1, seq, 0, kind, Buffer.buffer(new byte[10]));
  }

  private List<Long> replaySeqs() {
    return cache.replay().stream().map(Frame::seq).toList();
  }

  @Test
  void aViewerStartsWithTheInitSegmentAndTheGroupSinceTheLastKeyframe() {
    cache.add(frame(1, 1, Frame.Kind.MP4_INIT));
    assertEquals(List.of(1L), replaySeqs(), "the init segment alone: the viewer starts at the next keyframe");
    cache.add(frame(1, 2, Frame.Kind.MP4_DELTA));
    assertFalse(cache.hasGroup(), "no group starts with a delta");
    cache.add(frame(1, 3, Frame.Kind.MP4_KEY));
    cache.add(frame(1, 4, Frame.Kind.MP4_DELTA));
    cache.add(frame(1, 5, Frame.Kind.MP4_KEY));
    cache.add(frame(1, 6, Frame.Kind.MP4_DELTA));
    assertEquals(List.of(1L, 5L, 6L), replaySeqs());
    cache.add(frame(1, 7, Frame.Kind.JPEG));
    assertEquals(List.of(1L, 5L, 6L), replaySeqs(), "JPEG frames are none of its business");
  }

  @Test
  void aGapANewGenerationOrTooLargeAGroupWaitsForTheNextKeyframe() {
    cache.add(frame(1, 1, Frame.Kind.MP4_INIT));
    cache.add(frame(1, 2, Frame.Kind.MP4_KEY));
    cache.add(frame(1, 4, Frame.Kind.MP4_DELTA));
    assertEquals(List.of(1L), replaySeqs(), "a lost fragment breaks the group");
    cache.add(frame(1, 5, Frame.Kind.MP4_KEY));
    cache.add(frame(2, 6, Frame.Kind.MP4_INIT));
    assertEquals(List.of(6L), replaySeqs(), "a new generation starts over");
    cache.add(frame(1, 7, Frame.Kind.MP4_KEY));
    assertFalse(cache.hasGroup(), "a keyframe without its generation's init segment is of no use");
    cache.add(frame(2, 8, Frame.Kind.MP4_KEY, 16 * 1024 * 1024 - 5));
    cache.add(frame(2, 9, Frame.Kind.MP4_DELTA));
    assertFalse(cache.hasGroup(), "bounded in bytes");
    assertTrue(cache.hasInitOf(frame(2, 10, Frame.Kind.MP4_KEY)));
  }

  @Test
  void anotherNodesReplayThenTheFramesSeenSinceContinueTheGroup() {
    List<Frame> replay = List.of(frame(3, 10, Frame.Kind.MP4_INIT), frame(3, 11, Frame.Kind.MP4_KEY),
        frame(3, 12, Frame.Kind.MP4_DELTA));
    cache.restartFrom(replay, List.of(frame(3, 12, Frame.Kind.MP4_DELTA), frame(3, 13, Frame.Kind.MP4_DELTA)));
    assertEquals(List.of(10L, 11L, 12L, 13L), replaySeqs(), "no frame twice, none missing");
    cache.clear();
    assertEquals(List.of(), cache.replay());
  }

  /** A worker that replaced another (a config change, a move) numbers its generations and frames from 1 again. */
  @Test
  void aNewWorkerNumberingFromTheStartIsANewStream() {
    for (int seq = 1; seq <= 40; seq++) {
      cache.add(ofWorker(7, seq, seq == 1 ? Frame.Kind.MP4_INIT : seq == 30 ? Frame.Kind.MP4_KEY : Frame.Kind.MP4_DELTA));
    }
    cache.add(ofWorker(8, 1, Frame.Kind.MP4_INIT));
    cache.add(ofWorker(8, 2, Frame.Kind.MP4_KEY));
    cache.add(ofWorker(8, 3, Frame.Kind.MP4_DELTA));
    assertEquals(List.of(8L, 8L, 8L), cache.replay().stream().map(Frame::worker).toList(), "the new worker's init and group");
    assertEquals(List.of(1L, 2L, 3L), replaySeqs());
    assertFalse(cache.hasInitOf(ofWorker(7, 41, Frame.Kind.MP4_KEY)), "the old worker's init segment is gone");
  }

  /**
   * The node's budget: a camera whose group outgrows its part lets it go until a keyframe fits again (new
   * viewers then wait for the next keyframe), and it says so; what it held goes back to the others.
   */
  @Test
  void groupsBeyondTheirPartOfTheNodesBudgetWaitForTheNextKeyframe() {
    VideoBudget budget = new VideoBudget(1000);
    GopCache small = new GopCache(budget);
    GopCache large = new GopCache(budget);
    small.add(frame(1, 1, Frame.Kind.MP4_INIT));
    small.add(frame(1, 2, Frame.Kind.MP4_KEY, 300));
    assertEquals(300, budget.usedBytes());
    large.add(frame(1, 1, Frame.Kind.MP4_INIT));
    large.add(frame(1, 2, Frame.Kind.MP4_KEY, 400));
    assertTrue(large.fits() && large.hasGroup(), "two caches: 500 bytes each at most");
    large.add(frame(1, 3, Frame.Kind.MP4_DELTA, 200));
    assertFalse(large.fits() || large.hasGroup(), "600 bytes would be beyond its half: let go");
    assertEquals(List.of(1L), large.replay().stream().map(Frame::seq).toList(), "the init segment stays");
    assertEquals(300, budget.usedBytes(), "what it held went back");
    large.add(frame(1, 4, Frame.Kind.MP4_DELTA, 10));
    assertFalse(large.hasGroup(), "nothing until the next keyframe");
    large.add(frame(1, 5, Frame.Kind.MP4_KEY, 100));
    assertTrue(large.fits() && large.hasGroup(), "a keyframe that fits: new viewers start at once again");
    small.clear();
    large.clear();
    assertEquals(0, budget.usedBytes());
  }
}
