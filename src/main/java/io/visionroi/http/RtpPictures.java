package io.visionroi.http;

import io.visionroi.rtsp.RtpPacketizer;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each camera's newest fragment cut into RTP payloads once for all of this node's RTSP readers of it: the hub
 * hands every reader the same fragment in turn, so only the first one cuts it. Kept while the camera has
 * readers here. On the HTTP verticle's event loop.
 */
final class RtpPictures {

  private record Cut(Buffer fragment, List<RtpPacketizer.Picture> pictures) {
  }

  private final Map<String, Cut> newest = new HashMap<>();
  private final Map<String, Set<Object>> readers = new HashMap<>();

  List<RtpPacketizer.Picture> of(String cameraId, RtpPacketizer packetizer, Buffer fragment) {
    Cut cut = newest.get(cameraId);
    if (cut != null && cut.fragment() == fragment) {
      return cut.pictures();
    }
    List<RtpPacketizer.Picture> pictures = packetizer.pictures(fragment.getBytes());
    if (readers.containsKey(cameraId)) {
      newest.put(cameraId, new Cut(fragment, pictures));
    }
    return pictures;
  }

  void retain(String cameraId, Object reader) {
    readers.computeIfAbsent(cameraId, id -> new HashSet<>()).add(reader);
  }

  void release(String cameraId, Object reader) {
    Set<Object> these = readers.get(cameraId);
    if (these != null && these.remove(reader) && these.isEmpty()) {
      readers.remove(cameraId);
      newest.remove(cameraId);
    }
  }

  /** Readers of all cameras that have their stream described, for the metrics. */
  int readers() {
    return readers.values().stream().mapToInt(Set::size).sum();
  }
}
