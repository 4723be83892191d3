// The grid: a tile per camera of the server's list, in its order, refreshed now and then; and which tiles are
// in sight.

import { setText } from "./dom.js";
import { Tile } from "./tile.js";

const LIST_REFRESH_MS = 10000;
const LIST_TIMEOUT_MS = 8000;

export class Grid {
  /**
   * @param {Map<string, Tile>} tiles by camera id, shared with the one-camera view
   * @param {import("./one-camera-view.js").OneCameraView} alone
   * @param {{ grid: HTMLElement, empty: HTMLElement, summary: HTMLElement }} elements
   */
  constructor(tiles, alone, elements) {
    this.tiles = tiles;
    this.alone = alone;
    this.elements = elements;
    this.listTimer = null;
    this.listBusy = false;
    this.listFailed = false;
    // Which tiles are on screen (with a margin, so a tile scrolled into view has its picture already).
    this.sight = new IntersectionObserver((entries) => this.onSight(entries), { rootMargin: "200px" });
  }

  onSight(entries) {
    for (const entry of entries) {
      const tile = this.tiles.get(entry.target.dataset.cameraId);
      if (tile) {
        tile.onScreen = entry.isIntersecting;
        tile.followSight();
      }
    }
  }

  async refreshList() {
    if (this.listBusy) return;      // the running refresh reschedules itself
    this.listBusy = true;
    clearTimeout(this.listTimer);
    this.listTimer = null;
    try {
      const res = await fetch("/api/cameras", {
        cache: "no-store",
        signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const cams = await res.json();
      if (!Array.isArray(cams)) throw new Error("unexpected camera list");
      this.listFailed = false;
      this.syncTiles(cams);
    } catch {
      this.listFailed = true;       // keep the tiles we have; their sockets recover on their own
    } finally {
      this.listBusy = false;
      this.updateSummary();
      if (!document.hidden) this.listTimer = setTimeout(() => this.refreshList(), LIST_REFRESH_MS);
    }
  }

  // Brings the tiles in line with the server's list, in the server's order,
  // without touching tiles (and sockets) that stay.
  syncTiles(cams) {
    const grid = this.elements.grid;
    const seen = new Set();
    let pos = 0;
    for (const cam of cams) {
      if (!cam || cam.id === undefined || cam.id === null) continue;
      const id = String(cam.id);
      if (seen.has(id)) continue;
      seen.add(id);
      const tile = this.tiles.get(id) || this.addTile(id, cam);
      tile.update(cam);
      const at = grid.children[pos];
      if (at !== tile.root) grid.insertBefore(tile.root, at || null);
      pos++;
    }
    for (const [id, tile] of this.tiles) {
      if (!seen.has(id)) this.removeTile(tile);
    }
    this.elements.empty.hidden = this.tiles.size > 0;
    this.alone.followAddress();
  }

  addTile(id, cam) {
    const tile = new Tile(id, cam, this.alone, () => this.updateSummary());
    this.tiles.set(id, tile);
    this.sight.observe(tile.root);
    return tile;
  }

  removeTile(tile) {
    this.sight.unobserve(tile.root);
    tile.dispose();
    this.alone.forget(tile);
    this.tiles.delete(tile.id);
  }

  updateSummary() {
    const total = this.tiles.size;
    let live = 0;
    for (const tile of this.tiles.values()) if (tile.state === "live") live++;
    let text = `${total} camera${total === 1 ? "" : "s"} · ${live} live`;
    if (this.listFailed) text += " · camera list unavailable";
    setText(this.elements.summary, text);
  }

  /** Tab hidden: no list refreshes and no streams until it is visible again. */
  pause() {
    clearTimeout(this.listTimer);
    this.listTimer = null;
    for (const tile of this.tiles.values()) tile.suspend();
  }

  resume() {
    for (const tile of this.tiles.values()) tile.connect();
    this.refreshList();
  }

  tick(now) {
    for (const tile of this.tiles.values()) tile.tick(now);
  }
}
