package io.visionroi.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Writes one bench's section into docs/BENCHMARKS.md, between markers of its own, and small statistics. */
final class BenchReport {

  private BenchReport() {
  }

  static void writeSection(String name, String markdown) throws Exception {
    String begin = "<!-- " + name + ":begin -->";
    String end = "<!-- " + name + ":end -->";
    String section = begin + "\n" + markdown + "\n" + end + "\n";
    Path doc = Path.of("docs", "BENCHMARKS.md");
    String old = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n\n";
    int from = old.indexOf(begin);
    int to = old.indexOf(end);
    String updated = from >= 0 && to > from
        ? old.substring(0, from) + section + old.substring(to + end.length() + 1)
        : old + "\n" + section;
    Files.createDirectories(doc.getParent());
    Files.writeString(doc, updated);
    System.out.println(section);
  }

  static long percentile(List<Long> values, double p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p) - 1));
  }

  static String machine() {
    return String.format(Locale.ROOT, "%d cores, Java %s", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
  }

  /** A process's user + system CPU time in clock ticks (USER_HZ, 100 a second); 0 once it is gone. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception gone) {
      return 0;
    }
  }

  /** A full GC in that JVM (jcmd GC.run), so that the heap in use is what is live. */
  static void fullGc(long pid) throws Exception {
    new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  static long rssMb(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
        .orElse(-1) / 1024;
  }

  static long openFiles(long pid) throws Exception {
    try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return files.count();
    }
  }
}
