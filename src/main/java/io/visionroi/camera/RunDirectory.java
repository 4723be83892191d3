package io.visionroi.camera;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directory of the orphan records ({@link GroupRecord}): the next start kills what they list, so nobody
 * else may write there. Created 0700 when missing; refused when it is a symbolic link or another user's;
 * tightened to 0700 when it is ours but open to others.
 */
final class RunDirectory {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private RunDirectory() {
  }

  /** @return null when {@code dir} is ready and ours alone, else why it cannot be used */
  static String secure(Path dir) {
    try {
      if (dir.getParent() != null) {
        Files.createDirectories(dir.getParent());
      }
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException exists) {
        // checked below, without following a link
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return "it is a symbolic link or not a directory";
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (owner != self) {
        return "it belongs to user id " + owner + ", not to this service's (" + self + ")";
      }
      if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
      }
      return null;
    } catch (IOException | UnsupportedOperationException | ClassCastException e) {
      return e.toString();
    }
  }
}
