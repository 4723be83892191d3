"use strict";

// VisionROI live viewer: one tile per camera, each with its own self-healing WebSocket.

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

const SERVER_STATES = new Set(["starting", "live", "outage", "stopped", "failed"]);

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

function wsUrl(id) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/ws/cameras/${encodeURIComponent(id)}`;
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

class Tile {
  constructor(id) {
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
    this.framesDrawn = 0;
    this.pending = null;        // newest frame waiting for decode; older ones are dropped
    this.decoding = false;
    this.disposed = false;

    this.root = el("article", "tile");
    this.root.dataset.cameraId = id;
    this.root.dataset.frames = "0";

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
    foot.append(this.fpsEl, this.msgEl, snap);

    this.root.append(head, this.view, foot);

    this.onViewClick = () => toggleExpanded(this);
    this.onViewKey = (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        toggleExpanded(this);
      }
    };
    this.view.addEventListener("click", this.onViewClick);
    this.view.addEventListener("keydown", this.onViewKey);

    this.setState("connecting");
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
  }

  connect() {
    if (this.disposed || document.hidden) return;
    this.cancelRetry();
    this.closeSocket();
    // During an outage (or failure) the server drops every attempt quickly; keeping
    // its badge avoids flickering to "connecting" on each retry.
    if (this.state !== "outage" && this.state !== "failed") this.setState("connecting");

    let ws;
    try {
      ws = new WebSocket(wsUrl(this.id));
    } catch {
      this.scheduleRetry(false);
      return;
    }
    ws.binaryType = "blob";     // createImageBitmap takes the Blob directly, no copy
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") this.onText(ev.data);
      else this.onFrame(ev.data);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.scheduleRetry(ev.code === CLOSE_OUTAGE);
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
    this.setState(msg.state);
    this.showNode(msg.node);
    this.renderMessage();       // the reason may change without a state change
  }

  showNode(node) {
    const known = typeof node === "string" && node !== "";
    this.nodeEl.hidden = !known;
    if (known) setText(this.nodeEl, `on ${node}`);
  }

  onFrame(blob) {
    this.backoff = BACKOFF_MIN_MS;  // a frame proves the path works again
    const now = performance.now();
    this.arrivals.push(now);
    this.pruneArrivals(now);
    if (this.state !== "live") {
      this.status = { state: "live", reason: "" };
      this.setState("live");
    }
    this.pending = blob;
    if (!this.decoding) this.drawLoop();
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
      if (this.disposed) {
        bitmap.close();
        break;
      }
      if (this.canvas.width !== bitmap.width || this.canvas.height !== bitmap.height) {
        this.canvas.width = bitmap.width;
        this.canvas.height = bitmap.height;
      }
      this.ctx.drawImage(bitmap, 0, 0);
      bitmap.close();               // release decoded pixels now rather than at GC time
      this.framesDrawn++;
      this.root.dataset.frames = String(this.framesDrawn);
      if (this.framesDrawn === 1) this.root.classList.add("has-frame");
    }
    this.decoding = false;
  }

  scheduleRetry(outage) {
    if (this.disposed || document.hidden) return;
    let delay;
    if (outage) {
      this.backoff = BACKOFF_MIN_MS;  // the server answered cleanly; this is not a failing connection
      delay = jitter(OUTAGE_RETRY_MS);  // 0.6–0.9 s, never growing
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
    this.suspend();
    this.pending = null;
    this.view.removeEventListener("click", this.onViewClick);
    this.view.removeEventListener("keydown", this.onViewKey);
    if (expanded === this) toggleExpanded(this);
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
  }
}

function toggleExpanded(tile) {
  if (expanded === tile) {
    tile.root.classList.remove("expanded");
    expanded = null;
  } else {
    if (expanded) expanded.root.classList.remove("expanded");
    tile.root.classList.add("expanded");
    expanded = tile;
  }
  document.body.classList.toggle("has-expanded", expanded !== null);
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
      tile = new Tile(id);
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
  if (ev.key === "Escape" && expanded) toggleExpanded(expanded);
});

// One shared timer for all tiles instead of one per tile.
setInterval(() => {
  const now = performance.now();
  for (const tile of tiles.values()) tile.tick(now);
}, TICK_MS);

refreshList();
