"use strict";

// VisionROI live viewer: one tile per camera, each with its own self-healing WebSocket. A camera that
// sends H.264 (or H.265) as fragmented MP4 plays in a <video> through Media Source Extensions when this
// browser decodes its codec; otherwise, and for every other camera, JPEG frames are drawn on a canvas.

const LIST_REFRESH_MS = 10000;
const LIST_TIMEOUT_MS = 8000;
const FPS_WINDOW_MS = 2000;
const TICK_MS = 250;            // drives the fps figure and the reconnect countdown
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 5000;
// The server already paces outage retries (it closes new sockets within ~1.5 s),
// so retry quickly and at a constant rate: the picture must return as soon as the camera does.
const OUTAGE_RETRY_MS = 750;
const CLOSE_OUTAGE = 1013;
const CLOSE_NOT_MP4 = 4415;     // ?format=mp4 for a camera that sends JPEG
const PAUSE_AFTER_MS = 1000;    // a tile out of sight this long lets go of its stream (not while scrolling past)

const LIVE_LAG_S = 1;           // a playhead further behind the newest video than this jumps ahead...
const LIVE_EDGE_S = 0.1;        // ...to this far behind it: inside the last frame, so there is a picture at once
const CATCH_UP_S = 0.15;        // a smaller lag above this is played off a little faster...
const CATCH_UP_RATE = 1.1;      // ...at this rate, hardly visible
const KEEP_BEHIND_S = 10;       // video kept behind the playhead; a removal takes the rest of its group too,
                                // so this spares the group being played for keyframes up to 10 s apart...
const TRIM_SLACK_S = 5;         // ...and what is older goes in batches of this, not on every tick
const MAX_QUEUED_BYTES = 24 * 1024 * 1024;  // above a whole replayed group (the server keeps at most 16 MiB)
const MAX_MP4_FAILURES = 2;     // players failing before their first picture, in a row, before JPEG is used

// Safari on iPhone has only ManagedMediaSource.
const MSE = window.MediaSource || window.ManagedMediaSource;

const SERVER_STATES = new Set(["starting", "live", "outage", "stopped", "failed", "unknown"]);

const grid = document.getElementById("grid");
const emptyNote = document.getElementById("empty");
const summary = document.getElementById("summary");

/** @type {Map<string, Tile>} */
const tiles = new Map();
let expanded = null;            // the tile currently shown in the large view
let listTimer = null;
let listBusy = false;
let listFailed = false;

// Spread retries by ±20 % so many tiles (or many viewers) do not reconnect in lockstep.
function jitter(ms) {
  return ms * (0.8 + Math.random() * 0.4);
}

function wsUrl(id, mode) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const format = mode === "mp4" ? "?format=mp4" : "";
  return `${proto}//${location.host}/ws/cameras/${encodeURIComponent(id)}${format}`;
}

// An init segment opens with its ftyp box, whose type is in bytes 4..8 (after the size).
function isInitSegment(data) {
  return data.byteLength >= 8 && String.fromCharCode(...new Uint8Array(data, 4, 4)) === "ftyp";
}

// A hole: before the newest video but in no buffered range. At or past the end is just waiting for video.
function inHole(ranges, time) {
  for (let i = 0; i < ranges.length; i++) {
    if (time >= ranges.start(i) && time <= ranges.end(i)) return false;
  }
  return time < ranges.end(ranges.length - 1);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Assigning only on change avoids needless layout/style work on every tick.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * One MediaSource in one <video>, fed with one init segment and the fragments after it. A new init segment
 * (a new socket, or a new generation of the camera's ffmpeg, whose timestamps start again) gets a new player:
 * simpler and sturdier than reusing a SourceBuffer across streams.
 */
class Mp4Player {
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

    const video = el("video");
    video.defaultMuted = true;      // muted video may play without a user gesture
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;       // iPhone: play in the tile, not full screen
    // ManagedMediaSource opens only with remote playback off (or an AirPlay alternative); nothing to cast anyway.
    video.disableRemotePlayback = true;
    this.video = video;

    this.source = new MSE();
    this.url = URL.createObjectURL(this.source);
    this.source.addEventListener("sourceopen", () => this.open(), { once: true });
    video.addEventListener("loadeddata", () => this.settle());
    video.addEventListener("seeked", () => this.settle());
    video.addEventListener("error", () => this.fail());
    video.src = this.url;
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

class Tile {
  constructor(id, cam) {
    this.id = id;
    this.lastError = null;
    // Latest status from the server; its reason stays visible while retrying, until video returns.
    this.status = { state: "", reason: "" };
    this.state = "";
    this.ws = null;
    this.retryTimer = null;
    this.retryAt = 0;           // when the pending reconnect fires (for the countdown)
    this.backoff = BACKOFF_MIN_MS;
    this.arrivals = [];         // receive times within FPS_WINDOW_MS; pruned, so bounded by the frame rate
    this.fpsSince = performance.now();
    this.frames = 0;            // pictures received: JPEGs drawn, MP4 fragments
    this.pending = null;        // newest frame waiting for decode; older ones are dropped
    this.decoding = false;
    this.disposed = false;
    this.mode = "jpeg";         // which stream the socket asks for: "jpeg" or "mp4"
    this.mime = null;           // the camera's MP4 type, for the next player
    this.player = null;         // the Mp4Player the socket feeds
    this.previous = null;       // the one before, keeping its last picture until the new one shows one
    this.mp4Failures = 0;
    this.unplayable = null;     // an MP4 type this browser claimed but failed to play
    this.retryNotBefore = 0;    // a failed camera's next try by the service (performance.now() time)
    this.onScreen = true;       // until the observer says otherwise
    this.pauseTimer = null;

    this.root = el("article", "tile");
    this.root.dataset.cameraId = id;
    this.root.dataset.frames = "0";
    this.root.dataset.mode = this.mode;

    const head = el("header", "tile-head");
    const title = el("div", "title");
    this.nameEl = el("span", "name", id);
    this.idEl = el("span", "cam-id", id);
    this.nodeEl = el("span", "cam-node");   // which cluster node runs it
    this.nodeEl.hidden = true;
    title.append(this.nameEl, this.idEl, this.nodeEl);
    this.badge = el("span", "badge");
    head.append(title, this.badge);

    this.view = el("div", "view");
    this.view.tabIndex = 0;
    this.view.setAttribute("role", "button");
    this.view.setAttribute("aria-label", `Toggle large view of camera ${id}`);
    this.canvas = el("canvas");
    // Opaque context: cheaper compositing, and the letterbox stays black.
    this.ctx = this.canvas.getContext("2d", { alpha: false });
    this.view.append(this.canvas, el("span", "placeholder", "no picture yet"));

    const foot = el("footer", "tile-foot");
    this.fpsEl = el("span", "fps", "0.0 fps");
    this.msgEl = el("span", "msg");
    const snap = el("a", "snap", "Snapshot");
    snap.href = `/api/cameras/${encodeURIComponent(id)}/snapshot.jpg`;
    snap.download = `${id}.jpg`;
    // Shown in the one-camera view only (style.css).
    const full = el("button", "full", "Full screen");
    full.type = "button";
    full.addEventListener("click", () => this.root.requestFullscreen?.().catch(() => {}));
    foot.append(this.fpsEl, this.msgEl, snap, full);

    this.root.append(head, this.view, foot);

    this.onViewClick = () => toggleAlone(this);
    this.onViewKey = (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        toggleAlone(this);
      }
    };
    this.view.addEventListener("click", this.onViewClick);
    this.view.addEventListener("keydown", this.onViewKey);

    this.setState("connecting");
    // Until the socket's status says more, the list decides; JPEG works for any camera.
    this.followOutput(cam.output, cam.mime);
    sight.observe(this.root);
    this.connect();
  }

  /** Apply the latest /api/cameras entry. The socket stays authoritative for the state. */
  update(cam) {
    const name = typeof cam.name === "string" && cam.name ? cam.name : this.id;
    setText(this.nameEl, name);
    this.idEl.hidden = name === this.id;
    this.showNode(cam.node);
    this.lastError = typeof cam.lastError === "string" && cam.lastError ? cam.lastError : null;
    this.renderMessage();
    // Waiting out a failed camera's retry pace, but the list says it is back: no need to wait longer.
    if (cam.state === "live" && this.state === "failed" && this.retryTimer) this.connect();
  }

  /** Whether this tile should have a stream now: the tab is visible, the tile on screen and not covered. */
  wanted() {
    return !this.disposed && !document.hidden && this.onScreen && (expanded === null || expanded === this);
  }

  /**
   * Follows wanted(): a tile that comes into sight connects at once (and gets the live picture); one that
   * leaves it lets go of its stream after PAUSE_AFTER_MS, so many cameras cost only what is watched.
   */
  followSight() {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    if (this.wanted()) {
      if (!this.ws && !this.retryTimer) this.connect();
    } else if (this.ws || this.retryTimer) {
      this.pauseTimer = setTimeout(() => {
        this.pauseTimer = null;
        if (!this.wanted()) this.suspend();
      }, PAUSE_AFTER_MS);
    }
  }

  /**
   * MP4 when the camera sends it in a codec this browser plays (Chromium plays no H.265 through MSE), JPEG
   * otherwise. Without both output and type (camera not running, init segment not read yet) the mode stays.
   * True when the mode changed.
   */
  followOutput(output, mime) {
    let mode = null;
    if (output === "jpeg") {
      mode = "jpeg";
    } else if (output === "mp4" && typeof mime === "string" && mime) {
      mode = MSE && mime !== this.unplayable && MSE.isTypeSupported(mime) ? "mp4" : "jpeg";
      if (mode === "mp4") this.mime = mime;
    }
    if (!mode || mode === this.mode) return false;
    this.setMode(mode);
    return true;
  }

  setMode(mode) {
    this.mode = mode;
    this.root.dataset.mode = mode;
    this.pending = null;
    this.dropPlayers();
    // The other format's last picture is not shown: "no picture yet" until this one has one.
    this.root.classList.remove("has-frame");
  }

  connect() {
    if (!this.wanted()) return;
    this.cancelRetry();
    this.closeSocket();
    // During an outage (or failure) the server drops every attempt quickly; keeping
    // its badge avoids flickering to "connecting" on each retry.
    if (this.state !== "outage" && this.state !== "failed") this.setState("connecting");

    const mode = this.mode;
    let ws;
    try {
      ws = new WebSocket(wsUrl(this.id, mode));
    } catch {
      this.scheduleRetry(false);
      return;
    }
    // appendBuffer wants bytes; createImageBitmap takes the Blob directly, no copy.
    ws.binaryType = mode === "mp4" ? "arraybuffer" : "blob";
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") this.onText(ev.data);
      else if (mode === "mp4") this.onSegment(ev.data);
      else this.onFrame(ev.data);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (ev.code === CLOSE_NOT_MP4) {
        this.setMode("jpeg");       // normally a status saying "jpeg" has switched already
        this.connect();
      } else {
        this.scheduleRetry(ev.code === CLOSE_OUTAGE);
      }
    };
    this.ws = ws;
  }

  onText(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (!msg || msg.type !== "status" || !SERVER_STATES.has(msg.state)) return;
    this.status = { state: msg.state, reason: typeof msg.reason === "string" ? msg.reason : "" };
    // A failed camera is tried again only at the service's pace (up to 30 s apart): coming back sooner
    // would only be sent away again.
    this.retryNotBefore = msg.state === "failed" && Number.isFinite(msg.retryInMs)
      ? performance.now() + msg.retryInMs : 0;
    this.setState(msg.state);
    this.showNode(msg.node);
    this.renderMessage();       // the reason may change without a state change
    // The output changes with the camera's ffmpeg (config edit, source codec): take the other stream.
    if (this.followOutput(msg.output, msg.mime)) this.connect();
  }

  showNode(node) {
    const known = typeof node === "string" && node !== "";
    this.nodeEl.hidden = !known;
    if (known) setText(this.nodeEl, `on ${node}`);
  }

  // For each picture that arrives, in either format: the fps figure, and video means live.
  onPicture() {
    const now = performance.now();
    this.arrivals.push(now);
    this.pruneArrivals(now);
    if (this.state !== "live") {
      this.status = { state: "live", reason: "" };
      this.setState("live");
    }
  }

  countFrame() {
    this.frames++;
    this.root.dataset.frames = String(this.frames);
  }

  showPicture() {
    if (!this.root.classList.contains("has-frame")) this.root.classList.add("has-frame");
  }

  onFrame(blob) {
    this.backoff = BACKOFF_MIN_MS;  // a frame proves the path works again
    this.onPicture();
    this.pending = blob;
    if (!this.decoding) this.drawLoop();
  }

  onSegment(data) {
    if (isInitSegment(data)) {
      const player = new Mp4Player(this.mime, data, () => this.onPlayerPicture(player),
        () => this.onPlayerFail(player));
      this.replacePlayer(player);
      this.view.append(player.video);
      return;
    }
    this.onPicture();
    this.countFrame();
    this.player?.push(data);
  }

  onPlayerPicture(player) {
    if (player !== this.player) return;
    this.previous?.destroy();
    this.previous = null;
    this.mp4Failures = 0;
    // A picture, not a fragment, proves the path works: a player that keeps failing must back off.
    this.backoff = BACKOFF_MIN_MS;
    this.showPicture();
  }

  onPlayerFail(player) {
    if (player !== this.player) return;
    this.replacePlayer(null);
    this.closeSocket();
    // Failing twice before any picture: the browser claims the codec but cannot play it after all.
    if (!player.shown && ++this.mp4Failures >= MAX_MP4_FAILURES) {
      this.unplayable = player.mime;
      this.setMode("jpeg");
      this.connect();
      return;
    }
    this.scheduleRetry(false);
  }

  // The newest player that showed a picture stays, frozen, until its successor shows one: like the canvas,
  // the tile keeps its last picture through reconnects and new generations.
  replacePlayer(next) {
    const old = this.player;
    if (old?.shown) {
      this.previous?.destroy();
      this.previous = old;
    } else {
      old?.destroy();
    }
    this.player = next;
  }

  dropPlayers() {
    this.player?.destroy();
    this.previous?.destroy();
    this.player = null;
    this.previous = null;
  }

  // Decodes one frame at a time; frames arriving meanwhile overwrite `pending`,
  // so a slow decoder skips frames instead of building a queue.
  async drawLoop() {
    this.decoding = true;
    while (this.pending && !this.disposed) {
      const blob = this.pending;
      this.pending = null;
      let bitmap;
      try {
        bitmap = await createImageBitmap(blob);
      } catch {
        continue;                   // a corrupt frame is skipped; the next one replaces it
      }
      if (this.disposed || this.mode !== "jpeg") {
        bitmap.close();
        break;
      }
      if (this.canvas.width !== bitmap.width || this.canvas.height !== bitmap.height) {
        this.canvas.width = bitmap.width;
        this.canvas.height = bitmap.height;
      }
      this.ctx.drawImage(bitmap, 0, 0);
      bitmap.close();               // release decoded pixels now rather than at GC time
      this.countFrame();
      this.showPicture();
    }
    this.decoding = false;
  }

  scheduleRetry(outage) {
    if (!this.wanted()) return;
    let delay;
    if (outage) {
      this.backoff = BACKOFF_MIN_MS;  // the server answered cleanly; this is not a failing connection
      delay = jitter(OUTAGE_RETRY_MS);  // 0.6–0.9 s, never growing
      if (this.status.state === "failed") {
        delay = Math.max(delay, this.retryNotBefore - performance.now() + jitter(500));
      }
      // 1013 comes for an outage and for a failed camera: keep what the server said.
      this.setState(this.status.state === "failed" ? "failed" : "outage");
    } else {
      delay = jitter(this.backoff);
      this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
      this.retryAt = performance.now() + delay;
      this.setState("reconnecting");
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  cancelRetry() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = 0;
  }

  // Detach handlers first so an intentional close does not trigger a reconnect.
  closeSocket() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.close(1000);
  }

  /** Tab hidden: stop all network activity until it is visible again. */
  suspend() {
    this.cancelRetry();
    this.closeSocket();
    this.backoff = BACKOFF_MIN_MS;
    this.arrivals.length = 0;
  }

  dispose() {
    this.disposed = true;
    sight.unobserve(this.root);
    clearTimeout(this.pauseTimer);
    this.suspend();
    this.pending = null;
    this.dropPlayers();
    this.view.removeEventListener("click", this.onViewClick);
    this.view.removeEventListener("keydown", this.onViewKey);
    if (expanded === this) showAlone(null);
    this.root.remove();
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.root.dataset.state = state;
    this.badge.className = `badge badge-${state}`;
    this.renderBadge();
    this.renderMessage();
    updateSummary();
  }

  renderBadge() {
    let text = this.state;
    if (this.state === "connecting") text = "connecting…";
    else if (this.state === "reconnecting") {
      const secs = Math.max(0, Math.ceil((this.retryAt - performance.now()) / 1000));
      text = this.retryAt ? `reconnecting in ${secs} s` : "reconnecting";
    }
    setText(this.badge, text);
  }

  renderMessage() {
    let text = "";
    let kind = "";
    const { state, reason } = this.status;
    if (this.state !== "live" && state === "failed") {
      text = reason || this.lastError || "camera failed";
      kind = "error";
    } else if (this.state !== "live" && reason) {
      text = reason;
      kind = state === "outage" ? "warn" : "";
    } else if (this.lastError) {
      text = `last error: ${this.lastError}`;
    }
    setText(this.msgEl, text);
    this.msgEl.title = text;
    this.msgEl.className = kind ? `msg msg-${kind}` : "msg";
  }

  pruneArrivals(now) {
    const cutoff = now - FPS_WINDOW_MS;
    let drop = 0;
    while (drop < this.arrivals.length && this.arrivals[drop] < cutoff) drop++;
    if (drop) this.arrivals.splice(0, drop);
  }

  tick(now) {
    this.pruneArrivals(now);
    // Divide by the time actually observed so the figure is right just after page load too.
    const span = Math.min(FPS_WINDOW_MS, now - this.fpsSince);
    const fps = span > 0 ? (this.arrivals.length * 1000) / span : 0;
    setText(this.fpsEl, `${fps < 10 ? fps.toFixed(1) : Math.round(fps)} fps`);
    if (this.state === "reconnecting") this.renderBadge();
    this.player?.tick();
  }
}

// The one-camera view is an address, /#camera=<id>: it can be bookmarked or shared, and Back leaves it.
const ALONE_PREFIX = "#camera=";
let alonePushed = false;        // whether this page put the address in the history (then Back undoes it)

function toggleAlone(tile) {
  if (expanded === tile) {
    if (alonePushed) {
      alonePushed = false;
      history.back();             // its hashchange closes the view
    } else {
      history.replaceState(null, "", location.pathname + location.search);
      followAddress();
    }
  } else {
    alonePushed = true;
    location.hash = ALONE_PREFIX.slice(1) + encodeURIComponent(tile.id);
  }
}

// Shows the camera the address names, alone and filling the window; the grid when it names none (or one
// not in the list yet: the next list brings it).
function followAddress() {
  const hash = location.hash;
  const id = hash.startsWith(ALONE_PREFIX) ? decodeURIComponent(hash.slice(ALONE_PREFIX.length)) : null;
  showAlone(id === null ? null : tiles.get(id) || null);
}

function showAlone(tile) {
  if (expanded === tile) return;
  if (expanded) expanded.root.classList.remove("expanded");
  if (tile) tile.root.classList.add("expanded");
  expanded = tile;
  document.body.classList.toggle("has-expanded", expanded !== null);
  // The tiles under the one-camera view are out of sight too.
  for (const t of tiles.values()) t.followSight();
  document.title = tile ? `${tile.nameEl.textContent} · VisionROI` : "VisionROI";
}

function updateSummary() {
  const total = tiles.size;
  let live = 0;
  for (const tile of tiles.values()) if (tile.state === "live") live++;
  let text = `${total} camera${total === 1 ? "" : "s"} · ${live} live`;
  if (listFailed) text += " · camera list unavailable";
  setText(summary, text);
}

// Brings the tiles in line with the server's list, in the server's order,
// without touching tiles (and sockets) that stay.
function syncTiles(cams) {
  const seen = new Set();
  let pos = 0;
  for (const cam of cams) {
    if (!cam || cam.id === undefined || cam.id === null) continue;
    const id = String(cam.id);
    if (seen.has(id)) continue;
    seen.add(id);
    let tile = tiles.get(id);
    if (!tile) {
      tile = new Tile(id, cam);
      tiles.set(id, tile);
    }
    tile.update(cam);
    const at = grid.children[pos];
    if (at !== tile.root) grid.insertBefore(tile.root, at || null);
    pos++;
  }
  for (const [id, tile] of tiles) {
    if (!seen.has(id)) {
      tile.dispose();
      tiles.delete(id);
    }
  }
  emptyNote.hidden = tiles.size > 0;
  followAddress();
}

async function refreshList() {
  if (listBusy) return;     // the running refresh reschedules itself
  listBusy = true;
  clearTimeout(listTimer);
  listTimer = null;
  try {
    const res = await fetch("/api/cameras", {
      cache: "no-store",
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const cams = await res.json();
    if (!Array.isArray(cams)) throw new Error("unexpected camera list");
    listFailed = false;
    syncTiles(cams);
  } catch {
    listFailed = true;      // keep the tiles we have; their sockets recover on their own
  } finally {
    listBusy = false;
    updateSummary();
    if (!document.hidden) listTimer = setTimeout(refreshList, LIST_REFRESH_MS);
  }
}

// Which tiles are on screen (with a margin, so a tile scrolled into view has its picture already).
const sight = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const tile = tiles.get(entry.target.dataset.cameraId);
    if (tile) {
      tile.onScreen = entry.isIntersecting;
      tile.followSight();
    }
  }
}, { rootMargin: "200px" });

document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    clearTimeout(listTimer);
    listTimer = null;
    for (const tile of tiles.values()) tile.suspend();
  } else {
    for (const tile of tiles.values()) tile.connect();
    refreshList();
  }
});

document.addEventListener("keydown", (ev) => {
  // In browser full screen, Escape leaves full screen first (the browser's own), then the view.
  if (ev.key === "Escape" && expanded && !document.fullscreenElement) toggleAlone(expanded);
});

window.addEventListener("hashchange", () => {
  if (!location.hash.startsWith(ALONE_PREFIX)) alonePushed = false;
  followAddress();
});

// One shared timer for all tiles instead of one per tile.
setInterval(() => {
  const now = performance.now();
  for (const tile of tiles.values()) tile.tick(now);
}, TICK_MS);

refreshList();
