package io.visionroi.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reloaded config changes. A changed camera is restarted alone, the others keep their ffmpeg; a
 * camera whose only change is its name is renamed where it runs, its ffmpeg untouched. Other settings are
 * not applied while running.
 *
 * @param added       cameras with a new id
 * @param removed     cameras whose id is gone
 * @param changed     cameras whose id stays but whose ffmpeg settings differ (the new settings)
 * @param renamed     cameras whose id stays and only the name differs (the new settings)
 * @param needRestart the keys whose change takes effect only after a restart
 */
public record ConfigDiff(List<CameraConfig> added, List<CameraConfig> removed, List<CameraConfig> changed,
    List<CameraConfig> renamed, List<String> needRestart) {

  public static ConfigDiff between(ServiceConfig old, ServiceConfig next) {
    Map<String, CameraConfig> before = byId(old.cameras());
    Map<String, CameraConfig> after = byId(next.cameras());
    List<CameraConfig> added = next.cameras().stream().filter(c -> !before.containsKey(c.id())).toList();
    List<CameraConfig> removed = old.cameras().stream().filter(c -> !after.containsKey(c.id())).toList();
    List<CameraConfig> changed = next.cameras().stream().filter(c -> before.containsKey(c.id())
        && !before.get(c.id()).equals(c) && !before.get(c.id()).differsOnlyInName(c)).toList();
    List<CameraConfig> renamed = next.cameras().stream()
        .filter(c -> before.containsKey(c.id()) && before.get(c.id()).differsOnlyInName(c)).toList();
    List<String> needRestart = new ArrayList<>();
    if (!old.httpHost().equals(next.httpHost())) {
      needRestart.add("http.host");
    }
    if (old.httpPort() != next.httpPort()) {
      needRestart.add("http.port");
    }
    if (old.rtspPort() != next.rtspPort()) {
      needRestart.add("rtsp.port");
    }
    if (!java.util.Objects.equals(old.auth(), next.auth())) {
      needRestart.add("http.auth");
    }
    if (!java.util.Objects.equals(old.tls(), next.tls())) {
      needRestart.add("http.tls");
    }
    if (!old.access().equals(next.access())) {
      needRestart.add("http.anonymous/allowedHosts/allowedOrigins");
    }
    if (!old.stream().equals(next.stream())) {
      needRestart.add("stream");
    }
    if (!old.ffmpegPath().equals(next.ffmpegPath())) {
      needRestart.add("ffmpeg.path");
    }
    return new ConfigDiff(added, removed, changed, renamed, needRestart);
  }

  public boolean camerasChanged() {
    return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty() || !renamed.isEmpty();
  }

  private static Map<String, CameraConfig> byId(List<CameraConfig> cameras) {
    return cameras.stream().collect(Collectors.toMap(CameraConfig::id, Function.identity()));
  }
}
