package io.visionroi.config;

/**
 * One camera as configured.
 *
 * @param id   unique, {@code [A-Za-z0-9_-]{1,64}}; part of URLs and event-bus addresses
 * @param name what people see; the id when not configured
 * @param url  the source as ffmpeg reads it (may hold a password: log only {@link #maskedUrl()})
 */
public record CameraConfig(String id, String name, String url) {

  public String maskedUrl() {
    return Secrets.mask(url);
  }

  public CameraSource source() {
    return CameraSource.of(url);
  }
}
