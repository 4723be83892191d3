// One camera's WebSocket and when to open the next one.

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 5000;
// The server already paces outage retries (it closes new sockets within ~1.5 s),
// so retry quickly and at a constant rate: the picture must return as soon as the camera does.
const OUTAGE_RETRY_MS = 750;
const CLOSE_OUTAGE = 1013;
const CLOSE_NOT_MP4 = 4415;     // ?format=mp4 for a camera that sends JPEG

// Spread retries by ±20 % so many tiles (or many viewers) do not reconnect in lockstep.
function jitter(ms) {
  return ms * (0.8 + Math.random() * 0.4);
}

function wsUrl(cameraId, mode) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const format = mode === "mp4" ? "?format=mp4" : "";
  return `${proto}//${location.host}/ws/cameras/${encodeURIComponent(cameraId)}${format}`;
}

/**
 * At most one socket, or one pending retry, at a time. Retries back off while connections fail, and come at a
 * quick constant pace while the server closes them cleanly for an outage.
 */
export class Connection {
  /**
   * @param {string} cameraId
   * @param {{
   *   text: (text: string) => void,
   *   data: (data: Blob | ArrayBuffer, mode: string) => void,
   *   closed: (why: "outage" | "not-mp4" | "error") => void,
   * }} on what arrives on the socket, and why it closed (not called for a close asked for here)
   */
  constructor(cameraId, on) {
    this.cameraId = cameraId;
    this.on = on;
    this.ws = null;
    this.retryTimer = null;
    this.retryAt = 0;           // when the pending backoff retry fires (for the countdown)
    this.backoff = BACKOFF_MIN_MS;
    this.notBefore = 0;         // a failed camera's next try by the service (performance.now() time)
  }

  /** Whether there is a socket, or a retry that will open one. */
  get active() {
    return this.ws !== null || this.retrying;
  }

  get retrying() {
    return this.retryTimer !== null;
  }

  /** Replaces any socket or pending retry by a new socket for `mode` ("jpeg" or "mp4"); false if none was made. */
  open(mode) {
    this.cancelRetry();
    this.close();
    let ws;
    try {
      ws = new WebSocket(wsUrl(this.cameraId, mode));
    } catch {
      return false;
    }
    // appendBuffer wants bytes; createImageBitmap takes the Blob directly, no copy.
    ws.binaryType = mode === "mp4" ? "arraybuffer" : "blob";
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") this.on.text(ev.data);
      else this.on.data(ev.data, mode);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      const why = ev.code === CLOSE_OUTAGE ? "outage" : ev.code === CLOSE_NOT_MP4 ? "not-mp4" : "error";
      this.on.closed(why);
    };
    this.ws = ws;
    return true;
  }

  // Detach handlers first so an intentional close does not trigger a reconnect.
  close() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.close(1000);
  }

  /**
   * Calls `reconnect` after a pause that suits why the last socket ended: "outage" and "failed" (the server
   * closed it cleanly) at the quick outage pace, a failed camera no sooner than the service tries it again;
   * "error" backing off.
   */
  retryLater(why, reconnect) {
    let delay;
    if (why === "error") {
      delay = jitter(this.backoff);
      this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
      this.retryAt = performance.now() + delay;
    } else {
      this.backoff = BACKOFF_MIN_MS;  // the server answered cleanly; this is not a failing connection
      delay = jitter(OUTAGE_RETRY_MS);  // 0.6–0.9 s, never growing
      if (why === "failed") delay = Math.max(delay, this.notBefore - performance.now() + jitter(500));
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      reconnect();
    }, delay);
  }

  cancelRetry() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = 0;
  }

  /** A picture proves the path works again: the next failure starts from the shortest backoff. */
  resetBackoff() {
    this.backoff = BACKOFF_MIN_MS;
  }

  /** Whole seconds until the pending backoff retry, or null when none is counting down. */
  secondsToRetry() {
    return this.retryAt ? Math.max(0, Math.ceil((this.retryAt - performance.now()) / 1000)) : null;
  }

  /** Closes the socket and forgets any retry and backoff, e.g. while the tab is hidden. */
  stop() {
    this.cancelRetry();
    this.close();
    this.resetBackoff();
  }
}
