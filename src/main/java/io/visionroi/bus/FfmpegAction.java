package io.visionroi.bus;

/** What a camera's supervisor tells its worker to do with ffmpeg (body of {@code camera.<id>.ffmpeg}). */
public enum FfmpegAction {
  /** Replace whatever generation runs (killing its group first) by a new one. */
  START,
  /** Kill the running generation's group and start none (an on-demand camera nobody watches). */
  STOP
}
