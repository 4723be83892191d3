// One camera's tile: its socket, its picture in either format, and what it says about the camera.

import { Connection } from "./connection.js";
import { setText } from "./dom.js";
import { FpsMeter } from "./fps-meter.js";
import { JpegCanvas } from "./jpeg-canvas.js";
import { Mp4Feed } from "./mp4-feed.js";
import { isInitSegment } from "./mp4-player.js";
import { createTileDom } from "./tile-dom.js";

const PAUSE_AFTER_MS = 1000;    // a tile out of sight this long lets go of its stream (not while scrolling past)
const SERVER_STATES = new Set(["starting", "live", "outage", "stopped", "failed", "unknown"]);

/**
 * data-state is the server's state, or "connecting"/"reconnecting"; data-mode the stream the socket asks for,
 * "jpeg" or "mp4"; data-frames the pictures received (JPEGs drawn, MP4 fragments).
 */
export class Tile {
  /**
   * @param {string} id the camera's id
   * @param {object} cam its /api/cameras entry
   * @param {import("./one-camera-view.js").OneCameraView} alone the view this tile can be shown in
   * @param {() => void} onStateChange called when data-state changes
   */
  constructor(id, cam, alone, onStateChange) {
    this.id = id;
    this.name = id;
    this.alone = alone;
    this.onStateChange = onStateChange;
    this.lastError = null;
    // Latest status from the server; its reason stays visible while retrying, until video returns.
    this.status = { state: "", reason: "" };
    this.state = "";
    this.frames = 0;
    this.disposed = false;
    this.mode = "jpeg";         // JPEG works for any camera
    this.onScreen = true;       // until the grid's observer says otherwise
    this.pauseTimer = null;
    this.fps = new FpsMeter();
    this.jpeg = new JpegCanvas(() => this.onJpegDrawn());
    this.dom = createTileDom(id, this.jpeg.canvas, () => this.alone.toggle(this));
    this.root = this.dom.root;
    this.root.dataset.mode = this.mode;
    this.mp4 = new Mp4Feed(this.dom.view, {
      picture: () => this.onMp4Picture(),
      failed: (unplayable) => this.onMp4Failed(unplayable),
    });
    this.connection = new Connection(id, {
      text: (text) => this.onText(text),
      data: (data, mode) => (mode === "mp4" ? this.onSegment(data) : this.onFrame(data)),
      closed: (why) => this.onClosed(why),
    });

    this.setState("connecting");
    // Until the socket's status says more, the list decides.
    this.followOutput(cam.output, cam.mime);
    this.connect();
  }

  /** Apply the latest /api/cameras entry. The socket stays authoritative for the state. */
  update(cam) {
    this.name = typeof cam.name === "string" && cam.name ? cam.name : this.id;
    setText(this.dom.name, this.name);
    this.dom.cameraId.hidden = this.name === this.id;
    this.showNode(cam.node);
    this.lastError = typeof cam.lastError === "string" && cam.lastError ? cam.lastError : null;
    this.renderMessage();
    // Waiting out a failed camera's retry pace, but the list says it is back: no need to wait longer.
    if (cam.state === "live" && this.state === "failed" && this.connection.retrying) this.connect();
  }

  /** Whether this tile should have a stream now: the tab is visible, the tile on screen and not covered. */
  wanted() {
    return !this.disposed && !document.hidden && this.onScreen && !this.alone.hides(this);
  }

  /**
   * Follows wanted(): a tile that comes into sight connects at once (and gets the live picture); one that
   * leaves it lets go of its stream after PAUSE_AFTER_MS, so many cameras cost only what is watched.
   */
  followSight() {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    if (this.wanted()) {
      if (!this.connection.active) this.connect();
    } else if (this.connection.active) {
      this.pauseTimer = setTimeout(() => {
        this.pauseTimer = null;
        if (!this.wanted()) this.suspend();
      }, PAUSE_AFTER_MS);
    }
  }

  /**
   * MP4 when the camera sends it in a codec this browser plays, JPEG otherwise. Without both output and type
   * (camera not running, init segment not read yet) the mode stays. True when the mode changed.
   */
  followOutput(output, mime) {
    let mode = null;
    if (output === "jpeg") {
      mode = "jpeg";
    } else if (output === "mp4" && typeof mime === "string" && mime) {
      mode = this.mp4.accepts(mime) ? "mp4" : "jpeg";
    }
    if (!mode || mode === this.mode) return false;
    this.setMode(mode);
    return true;
  }

  setMode(mode) {
    this.mode = mode;
    this.root.dataset.mode = mode;
    this.jpeg.enable(mode === "jpeg");
    this.mp4.stop();
    // The other format's last picture is not shown: "no picture yet" until this one has one.
    this.root.classList.remove("has-frame");
  }

  connect() {
    if (!this.wanted()) return;
    // During an outage (or failure) the server drops every attempt quickly; keeping
    // its badge avoids flickering to "connecting" on each retry.
    if (this.state !== "outage" && this.state !== "failed") this.setState("connecting");
    if (!this.connection.open(this.mode)) this.retryLater("error");
  }

  onClosed(why) {
    if (why === "not-mp4") {
      this.setMode("jpeg");         // normally a status saying "jpeg" has switched already
      this.connect();
    } else {
      this.retryLater(why);
    }
  }

  /** @param {"outage" | "error"} why the server closed the socket for an outage (or failure), or anything else */
  retryLater(why) {
    if (!this.wanted()) return;
    if (why === "error") {
      this.connection.retryLater("error", () => this.connect());
      this.setState("reconnecting");
      return;
    }
    // 1013 comes for an outage and for a failed camera: keep what the server said.
    const failed = this.status.state === "failed";
    this.connection.retryLater(failed ? "failed" : "outage", () => this.connect());
    this.setState(failed ? "failed" : "outage");
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
    this.connection.notBefore = msg.state === "failed" && Number.isFinite(msg.retryInMs)
      ? performance.now() + msg.retryInMs : 0;
    this.setState(msg.state);
    this.showNode(msg.node);
    this.renderMessage();       // the reason may change without a state change
    // The output changes with the camera's ffmpeg (config edit, source codec): take the other stream.
    if (this.followOutput(msg.output, msg.mime)) this.connect();
  }

  showNode(node) {
    const known = typeof node === "string" && node !== "";
    this.dom.node.hidden = !known;
    if (known) setText(this.dom.node, `on ${node}`);
  }

  // For each picture that arrives, in either format: the fps figure, and video means live.
  pictureArrived() {
    this.fps.count(performance.now());
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
    this.connection.resetBackoff();  // a frame proves the path works again
    this.pictureArrived();
    this.jpeg.show(blob);
  }

  onJpegDrawn() {
    this.countFrame();
    this.showPicture();
  }

  onSegment(data) {
    if (isInitSegment(data)) {
      this.mp4.start(data);
      return;
    }
    this.pictureArrived();
    this.countFrame();
    this.mp4.push(data);
  }

  onMp4Picture() {
    // A picture, not a fragment, proves the path works: a player that keeps failing must back off.
    this.connection.resetBackoff();
    this.showPicture();
  }

  onMp4Failed(unplayable) {
    this.connection.close();
    if (unplayable) {
      this.setMode("jpeg");
      this.connect();
    } else {
      this.retryLater("error");
    }
  }

  /** Out of sight, or the tab hidden: no network activity until wanted again. */
  suspend() {
    this.connection.stop();
    this.fps.reset();
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.pauseTimer);
    this.suspend();
    this.jpeg.enable(false);
    this.mp4.stop();
    this.root.remove();
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.root.dataset.state = state;
    this.dom.badge.className = `badge badge-${state}`;
    this.renderBadge();
    this.renderMessage();
    this.onStateChange();
  }

  renderBadge() {
    let text = this.state;
    if (this.state === "connecting") {
      text = "connecting…";
    } else if (this.state === "reconnecting") {
      const secs = this.connection.secondsToRetry();
      text = secs === null ? "reconnecting" : `reconnecting in ${secs} s`;
    }
    setText(this.dom.badge, text);
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
    const message = this.dom.message;
    setText(message, text);
    message.title = text;
    message.className = kind ? `msg msg-${kind}` : "msg";
  }

  tick(now) {
    setText(this.dom.fps, this.fps.label(now));
    if (this.state === "reconnecting") this.renderBadge();
    this.mp4.tick();
  }
}
