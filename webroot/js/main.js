// VisionROI live viewer: one tile per camera, each with its own self-healing WebSocket. A camera that
// sends H.264 (or H.265) as fragmented MP4 plays in a <video> through Media Source Extensions when this
// browser decodes its codec; otherwise, and for every other camera, JPEG frames are drawn on a canvas.
// This module puts the grid and the one-camera view together and hands them the document's events.

import { Grid } from "./grid.js";
import { OneCameraView } from "./one-camera-view.js";

const TICK_MS = 250;            // drives the fps figures, the reconnect countdowns and the MP4 live edge

/** @type {Map<string, import("./tile.js").Tile>} */
const tiles = new Map();
const alone = new OneCameraView(tiles);
const grid = new Grid(tiles, alone, {
  grid: document.getElementById("grid"),
  empty: document.getElementById("empty"),
  summary: document.getElementById("summary"),
});

document.addEventListener("visibilitychange", () => {
  if (document.hidden) grid.pause();
  else grid.resume();
});
document.addEventListener("keydown", (ev) => alone.onKeydown(ev));
window.addEventListener("hashchange", () => alone.onHashChange());
// One shared timer for all tiles instead of one per tile.
setInterval(() => grid.tick(performance.now()), TICK_MS);

grid.refreshList();
