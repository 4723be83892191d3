package io.visionroi.cluster;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    assertTrue(unsettled.release().isEmpty(), "no moves while membership changes");

    OwnershipPlan settled = OwnershipPlan.of(CAMERAS, TWO, allOnN1, "n1", Set.of(), true);
    assertEquals(List.of("d"), settled.release(), "one per round");
    assertEquals(Set.of("a", "b", "c"), settled.keep());
    assertTrue(OwnershipPlan.of(CAMERAS, TWO, allOnN1, "n2", Set.of(), true).release().isEmpty());

    // Three against one still differs by two: one more moves; two against two is balanced.
    Map<String, String> threeOne = Map.of("a", "n1", "b", "n1", "c", "n1", "d", "n2");
    assertEquals(List.of("c"), OwnershipPlan.of(CAMERAS, TWO, threeOne, "n1", Set.of(), true).release());
    Map<String, String> twoTwo = Map.of("a", "n1", "b", "n1", "c", "n2", "d", "n2");
    assertTrue(OwnershipPlan.of(CAMERAS, TWO, twoTwo, "n1", Set.of(), true).release().isEmpty());
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
