package io.visionroi.camera;

import io.visionroi.support.LogCapture;
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
    try (LogCapture log = LogCapture.keeping(GroupRecord.class)) {
      assertEquals(0, new GroupRecord(dir).reapLeftovers());
      assertEquals(3, log.warnings().stream().filter(l -> l.contains("not a record of this service")).count(),
          "a line for each line ignored: " + log.warnings());
    }
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

  @Test
  void onlyADirectoryOfThisUsersOwnIsUsed() throws Exception {
    try (LogCapture log = LogCapture.keeping(GroupRecord.class)) {
      refusesWhatIsNotItsOwn();
      assertTrue(log.warnings().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("symbolic link")),
          "the operator hears why nothing is recorded: " + log.warnings());
    }
  }

  private void refusesWhatIsNotItsOwn() throws Exception {
    Path fresh = dir.resolve("run");
    new GroupRecord(fresh);
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    new GroupRecord(open);
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(open)),
        "tightened");

    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Files.write(elsewhere.resolve("ffmpeg-groups-1.txt"), List.of("ffmpeg 1 1"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);
    GroupRecord linked = new GroupRecord(link);
    linked.save(List.of(ProcessHandle.current().pid()));
    assertEquals(0, linked.reapLeftovers());
    assertTrue(Files.exists(elsewhere.resolve("ffmpeg-groups-1.txt")), "nothing read or removed through a link");
    assertEquals(1, Files.list(elsewhere).count(), "nothing written through a link");

    Path planted = Files.createDirectory(dir.resolve("planted"));
    Files.createSymbolicLink(planted.resolve("ffmpeg-groups-1.txt"), elsewhere.resolve("ffmpeg-groups-1.txt"));
    assertEquals(0, new GroupRecord(planted).reapLeftovers());
    assertTrue(Files.exists(elsewhere.resolve("ffmpeg-groups-1.txt")), "a record that is a link is not followed");

    if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) { // only root can give a directory away
      Path others = Files.createDirectory(dir.resolve("others"));
      Files.write(others.resolve("ffmpeg-groups-1.txt"), List.of("ffmpeg 1 1"));
      Files.setAttribute(others, "unix:uid", 65534);
      assertEquals(0, new GroupRecord(others).reapLeftovers());
      assertTrue(Files.exists(others.resolve("ffmpeg-groups-1.txt")), "another user's directory is not used");
    }
  }
}
