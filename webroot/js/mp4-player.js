// Plays a camera's fragmented MP4 (H.264, or H.265 where the browser decodes it) through Media Source Extensions.

import { el } from "./dom.js";

const LIVE_LAG_S = 1;           // a playhead further behind the newest video than this jumps ahead...
const LIVE_EDGE_S = 0.1;        // ...to this far behind it: inside the last frame, so there is a picture at once
const CATCH_UP_S = 0.15;        // a smaller lag above this is played off a little faster...
const CATCH_UP_RATE = 1.1;      // ...at this rate, hardly visible
const KEEP_BEHIND_S = 10;       // video kept behind the playhead; a removal takes the rest of its group too,
                                // so this spares the group being played for keyframes up to 10 s apart...
const TRIM_SLACK_S = 5;         // ...and what is older goes in batches of this, not on every tick
const MAX_QUEUED_BYTES = 24 * 1024 * 1024;  // above a whole replayed group (the server keeps at most 16 MiB)

// Safari on iPhone has only ManagedMediaSource.
export const MSE = window.MediaSource || window.ManagedMediaSource;

// An init segment opens with its ftyp box, whose type is in bytes 4..8 (after the size).
export function isInitSegment(data) {
  return data.byteLength >= 8 && String.fromCharCode(...new Uint8Array(data, 4, 4)) === "ftyp";
}

// A hole: before the newest video but in no buffered range. At or past the end is just waiting for video.
function inHole(ranges, time) {
  for (let i = 0; i < ranges.length; i++) {
    if (time >= ranges.start(i) && time <= ranges.end(i)) return false;
  }
  return time < ranges.end(ranges.length - 1);
}

// A muted, inline <video> that may play on its own.
function liveVideo() {
  const video = el("video");
  video.defaultMuted = true;      // muted video may play without a user gesture
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;       // iPhone: play in the tile, not full screen
  // ManagedMediaSource opens only with remote playback off (or an AirPlay alternative); nothing to cast anyway.
  video.disableRemotePlayback = true;
  return video;
}

/**
 * One MediaSource in one <video>, fed with one init segment and the fragments after it. A new init segment
 * (a new socket, or a new generation of the camera's ffmpeg, whose timestamps start again) gets a new player:
 * simpler and sturdier than reusing a SourceBuffer across streams.
 */
export class Mp4Player {
  /**
   * @param {string} mime the stream's type with its codecs, as the server names it
   * @param {ArrayBuffer} init the init segment
   * @param {() => void} onPicture called once, when the first picture at the live edge is shown
   * @param {() => void} onFail called once, when this player cannot go on
   */
  constructor(mime, init, onPicture, onFail) {
    this.mime = mime;
    this.onPicture = onPicture;
    this.onFail = onFail;
    this.queue = [init];
    this.queuedBytes = init.byteLength;
    this.buffer = null;             // the SourceBuffer, once the MediaSource is open
    this.shown = false;
    this.stopped = false;           // failed or destroyed: takes nothing more

    this.video = liveVideo();
    this.source = new MSE();
    this.url = URL.createObjectURL(this.source);
    this.source.addEventListener("sourceopen", () => this.open(), { once: true });
    this.video.addEventListener("loadeddata", () => this.settle());
    this.video.addEventListener("seeked", () => this.settle());
    this.video.addEventListener("error", () => this.fail());
    this.video.src = this.url;
  }

  open() {
    if (this.stopped) return;
    try {
      this.buffer = this.source.addSourceBuffer(this.mime);
    } catch {
      this.fail();
      return;
    }
    // "sequence": each fragment is placed right after the one before, whatever its timestamps say. By its
    // own timestamps ("segments"), a group the server skipped for a slow viewer would leave a hole that
    // playback stalls in, and a camera clock stepping back would overwrite video already buffered.
    this.buffer.mode = "sequence";
    this.buffer.addEventListener("updateend", () => this.pump());
    this.buffer.addEventListener("error", () => this.fail());
    this.pump();
  }

  push(data) {
    this.queue.push(data);
    this.queuedBytes += data.byteLength;
    // The browser does not keep up: better start again from a keyframe than hold ever more.
    if (this.queuedBytes > MAX_QUEUED_BYTES) this.fail();
    else this.pump();
  }

  // One operation at a time: appendBuffer throws while an append or remove is running.
  pump() {
    const buffer = this.buffer;
    if (this.stopped || !buffer || buffer.updating) return;
    const data = this.queue.shift();
    if (!data) {
      this.settle();
      return;
    }
    this.queuedBytes -= data.byteLength;
    try {
      buffer.appendBuffer(data);
    } catch {
      this.fail();                  // QuotaExceededError, or the MediaSource ended on a decode error
    }
  }

  /**
   * Keeps the playhead at the live edge: the server replays the current group at connect, and playback
   * falls behind after a stall or a paused (off-screen) video. Shows the player once it is there.
   */
  settle() {
    const video = this.video;
    if (this.stopped || video.seeking) return;
    const ranges = video.buffered;
    if (!ranges.length) return;
    const last = ranges.length - 1;
    const end = ranges.end(last);
    if (end - video.currentTime > LIVE_LAG_S) {
      video.currentTime = Math.max(ranges.start(last), end - LIVE_EDGE_S);
      return;                       // "seeked" comes back here
    }
    if (inHole(ranges, video.currentTime)) {
      video.currentTime = ranges.start(last);
      return;
    }
    // A burst as a stream starts, or stalls, leave a lag that would otherwise stay for good.
    const rate = end - video.currentTime > CATCH_UP_S ? CATCH_UP_RATE : 1;
    if (video.playbackRate !== rate) video.playbackRate = rate;
    if (!this.shown && !this.queue.length && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
      this.shown = true;
      video.classList.add("shown");
      // In case autoplay did not start it. Refused, the picture still follows the live edge in jumps.
      video.play().catch(() => {});
      this.onPicture();
    }
  }

  // Also when nothing arrives: follow the live edge, and drop what lies well behind the playhead.
  tick() {
    this.settle();
    const buffer = this.buffer;
    if (this.stopped || !buffer || buffer.updating) return;
    const ranges = buffer.buffered;
    const cut = this.video.currentTime - KEEP_BEHIND_S;
    if (!ranges.length || cut - ranges.start(0) < TRIM_SLACK_S) return;
    try {
      buffer.remove(0, cut);
    } catch {
      this.fail();
    }
  }

  fail() {
    if (this.stopped) return;
    this.stopped = true;
    this.queue = [];
    this.onFail();
  }

  destroy() {
    this.stopped = true;
    this.queue = [];
    this.video.remove();
    // Detach now, not at garbage collection: the MediaSource holds a decoder and the buffered video.
    this.video.removeAttribute("src");
    this.video.load();
    URL.revokeObjectURL(this.url);
  }
}
