package io.visionroi.cluster;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnershipPlanTest {

  private static final List<String> CAMERAS = List.of("a", "b", "c", "d");
  private static final Set<String> TWO = Set.of("n1", "n2");

  @Test
  void unclaimedCamerasSpreadEvenlyAndEachNodeClaimsOnlyItsShare() {
    OwnershipPlan n1 = OwnershipPlan.of(CAMERAS, TWO, Map.of(), "n1", Set.of(), false);
    OwnershipPlan n2 = OwnershipPlan.of(CAMERAS, TWO, Map.of(), "n2", Set.of(), false);
    assertEquals(List.of("a", "c"), n1.claim());
    assertEquals(List.of("b", "d"), n2.claim());
    assertTrue(n1.keep().isEmpty() && n1.release().isEmpty());
  }

  @Test
  void theLeastLoadedNodeGetsTheFreedCameras() {
    // n3 left: its cameras c, d are free; n1 holds a, n2 holds nothing yet.
    Map<String, String> claims = Map.of("a", "n1");
    assertEquals(List.of("c"), OwnershipPlan.of(CAMERAS, TWO, claims, "n1", Set.of(), true).claim());
    assertEquals(List.of("b", "d"), OwnershipPlan.of(CAMERAS, TWO, claims, "n2", Set.of(), true).claim());
  }

  @Test
  void anOverdueCameraIsClaimedByWhicheverNodeSeesIt() {
    Map<String, String> claims = Map.of("a", "n1", "b", "n1", "c", "n2");
    // d falls to n2 by the plan; once overdue, n1 tries too (put-if-absent settles it).
    assertEquals(List.of(), OwnershipPlan.of(CAMERAS, TWO, claims, "n1", Set.of(), true).claim());
    assertEquals(List.of("d"), OwnershipPlan.of(CAMERAS, TWO, claims, "n1", Set.of("d"), true).claim());
  }

  @Test
  void aNodeWithTwoMoreThanTheLeastLoadedHandsOneOverOnceSettled() {
    Map<String, String> allOnN1 = new HashMap<>();
    CAMERAS.forEach(c -> allOnN1.put(c, "n1"));
    OwnershipPlan unsettled = OwnershipPlan.of(CAMERAS, TWO, allOnN1, "n1", Set.of(), false);
    assertEquals(Set.of("a", "b", "c", "d"), unsettled.keep());
    assertNull(unsettled.handOver(), "no moves while membership changes");

    OwnershipPlan settled = OwnershipPlan.of(CAMERAS, TWO, allOnN1, "n1", Set.of(), true);
    assertEquals(new OwnershipPlan.HandOver("d", "n2"), settled.handOver(), "one at a time, to the least loaded");
    assertEquals(Set.of("a", "b", "c", "d"), settled.keep(), "it runs on until the other node has it");
    assertTrue(settled.release().isEmpty());
    assertNull(OwnershipPlan.of(CAMERAS, TWO, allOnN1, "n2", Set.of(), true).handOver());

    // Three against one still differs by two: one more moves; two against two is balanced.
    Map<String, String> threeOne = Map.of("a", "n1", "b", "n1", "c", "n1", "d", "n2");
    assertEquals(new OwnershipPlan.HandOver("c", "n2"),
        OwnershipPlan.of(CAMERAS, TWO, threeOne, "n1", Set.of(), true).handOver());
    Map<String, String> twoTwo = Map.of("a", "n1", "b", "n1", "c", "n2", "d", "n2");
    assertNull(OwnershipPlan.of(CAMERAS, TWO, twoTwo, "n1", Set.of(), true).handOver());

    // Two nodes with two each and a third with none: only one of them moves a camera (the lowest id).
    Set<String> three = Set.of("n1", "n2", "n3");
    assertEquals(new OwnershipPlan.HandOver("b", "n3"),
        OwnershipPlan.of(CAMERAS, three, twoTwo, "n1", Set.of(), true).handOver());
    assertNull(OwnershipPlan.of(CAMERAS, three, twoTwo, "n2", Set.of(), true).handOver(), "one move at a time");
  }

  @Test
  void aStoppingNodeKeepsItsClaimsButGetsNothingNew() {
    // n2 said it stops: it is no candidate; the free camera goes to n1 even though n2 holds less.
    Map<String, String> claims = Map.of("a", "n1", "b", "n1", "c", "n2");
    assertEquals(List.of("d"), OwnershipPlan.of(CAMERAS, Set.of("n1"), claims, "n1", Set.of(), true).claim());
  }

  @Test
  void theOwnerGivesUpACameraNoLongerConfigured() {
    Map<String, String> claims = Map.of("a", "n1", "gone", "n1", "old", "n2");
    OwnershipPlan plan = OwnershipPlan.of(CAMERAS, TWO, claims, "n1", Set.of(), false);
    assertEquals(List.of("gone"), plan.release());
    assertEquals(Set.of("a"), plan.keep());
  }
}
