package io.visionroi.camera;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The orphan record on files of its own making and on files it must not trust. */
class GroupRecordTest {

  @TempDir
  Path dir;

  @Test
  void aGarbledRecordIsIgnoredNotFatal() throws Exception {
    Files.write(dir.resolve("ffmpeg-groups-1.txt"), List.of("jvm abc def", "ffmpeg 1 x", "nonsense"));
    Files.writeString(dir.resolve("ffmpeg-groups-2.txt.tmp"), "ffmpeg 1 1");
    Files.writeString(dir.resolve("unrelated.txt"), "ffmpeg 1 1");
    assertEquals(0, new GroupRecord(dir).reapLeftovers());
    assertFalse(Files.exists(dir.resolve("ffmpeg-groups-1.txt")), "a dead run's record is removed");
    assertTrue(Files.exists(dir.resolve("ffmpeg-groups-2.txt.tmp")), "only records are read");
    assertTrue(Files.exists(dir.resolve("unrelated.txt")));
  }

  @Test
  void recordsThisJvmAndItsGroups() throws Exception {
    GroupRecord record = new GroupRecord(dir);
    long self = ProcessHandle.current().pid();
    record.save(List.of(self));
    List<String> lines = Files.readAllLines(dir.resolve("ffmpeg-groups-" + self + ".txt"));
    long start = ProcStat.of(self).orElseThrow().startTime();
    assertEquals(List.of("jvm " + self + " " + start, "ffmpeg " + self + " " + start), lines);
    record.delete();
    assertFalse(Files.exists(dir.resolve("ffmpeg-groups-" + self + ".txt")));
  }
}
