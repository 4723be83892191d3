package io.visionroi.service;

import io.visionroi.support.RunningService;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped alert rules (conf/alerts.yml): valid for Prometheus' own checker, and every series and label
 * value they select is one the service really exports, so no rule silently watches nothing.
 */
class AlertRulesTest {

  private static final Path RULES = Path.of("conf", "alerts.yml");
  private static final Pattern SELECTOR = Pattern.compile("(visionroi_\\w+)(\\{([^}]*)\\})?");
  private static final Pattern MATCHER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private RunningService service;

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    boolean available = Files.isExecutable(Path.of("/usr/bin/promtool"));
    if (!available) {
      System.err.println("\n*** AlertRulesTest.promtoolAcceptsTheRules SKIPPED: /usr/bin/promtool is missing."
          + " Install it (apt-get install prometheus), as scripts/test.sh does when run as root. ***\n");
    }
    assumeTrue(available, "promtool is not installed");
    Process check = new ProcessBuilder("/usr/bin/promtool", "check", "rules", RULES.toString())
        .redirectErrorStream(true).start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(check.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, check.exitValue(), out);
    assertTrue(out.contains("SUCCESS: 6 rules found"), out);
  }

  @Test
  void everySeriesTheRulesSelectIsExported() throws Exception {
    service = RunningService.start(new JsonObject(
        "{\"cameras\": [{\"id\": \"pattern\", \"url\": \"lavfi:testsrc2=size=160x120:rate=5\"}]}"));
    assertTrue(service.awaitState("pattern", "live", 10_000));
    try (ViewerClient viewer = service.viewer("pattern")) {
      assertTrue(viewer.awaitFrames(2, 5000), "a viewer: its send counters exist from then on");
    }
    String metrics = new String(service.get("/metrics").body(), StandardCharsets.UTF_8);
    Set<String> exported = metrics.lines().filter(l -> !l.startsWith("#")).map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toSet());
    List<String> selectors = new ArrayList<>();
    Matcher selector = SELECTOR.matcher(Files.readString(RULES));
    while (selector.find()) {
      selectors.add(selector.group());
      String name = selector.group(1);
      assertTrue(exported.contains(name), name + " is not exported; the service has " + exported.stream()
          .filter(n -> n.startsWith("visionroi_")).sorted().toList());
      if (selector.group(3) != null) {
        Matcher label = MATCHER.matcher(selector.group(3));
        while (label.find()) {
          String wanted = label.group(1) + "=\"" + label.group(2) + "\"";
          assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{") && l.contains(wanted)),
              selector.group() + ": no such series in /metrics");
        }
      }
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{") && l.contains("camera=\"pattern\"")),
          name + " has no camera label: the rules group by it");
    }
    assertFalse(selectors.isEmpty());
  }
}
