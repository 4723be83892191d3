package io.visionroi.watchdog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ViewerTallyTest {

  @Test
  void countsViewersOfAllNodesAndForgetsANodeThatFellSilent() {
    ViewerTally tally = new ViewerTally();
    assertEquals(2, tally.report("a", 2, 0, 0));
    assertEquals(5, tally.report("b", 3, 0, 1000));
    assertEquals(6, tally.report("a", 3, 0, 2000), "a node's new count replaces its old one");
    assertEquals(6, tally.expire(2000 + ViewerTally.EXPIRY_MILLIS - 1000));
    // b was last heard of at 1000: gone (its node died, or it stopped repeating).
    assertEquals(3, tally.expire(1000 + ViewerTally.EXPIRY_MILLIS + 1));
    assertEquals(0, tally.report("a", 0, 0, 7000), "a node whose last viewer left counts nothing");
  }
}
