// A tile's elements: the header (name, id, node, state badge), the view (picture), the footer (fps, message,
// snapshot link, full-screen button).

import { el } from "./dom.js";

/**
 * @param {string} id the camera's id
 * @param {HTMLCanvasElement} canvas the JPEG path's canvas, first in the view
 * @param {() => void} onToggle opens or closes the one-camera view
 */
export function createTileDom(id, canvas, onToggle) {
  const root = el("article", "tile");
  root.dataset.cameraId = id;
  root.dataset.frames = "0";
  const head = createHead(id);
  const view = createView(id, canvas, onToggle);
  const foot = createFoot(id, root);
  root.append(head.element, view, foot.element);
  return { root, view, ...head.parts, ...foot.parts };
}

function createHead(id) {
  const element = el("header", "tile-head");
  const title = el("div", "title");
  const name = el("span", "name", id);
  const cameraId = el("span", "cam-id", id);
  const node = el("span", "cam-node");   // which cluster node runs it
  node.hidden = true;
  title.append(name, cameraId, node);
  const badge = el("span", "badge");
  element.append(title, badge);
  return { element, parts: { name, cameraId, node, badge } };
}

// The picture is the button that opens or closes the one-camera view: clicked, or Enter/Space when focused.
function createView(id, canvas, onToggle) {
  const view = el("div", "view");
  view.tabIndex = 0;
  view.setAttribute("role", "button");
  view.setAttribute("aria-label", `Toggle large view of camera ${id}`);
  view.append(canvas, el("span", "placeholder", "no picture yet"));
  view.addEventListener("click", onToggle);
  view.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      onToggle();
    }
  });
  return view;
}

function createFoot(id, root) {
  const element = el("footer", "tile-foot");
  const fps = el("span", "fps", "0.0 fps");
  const message = el("span", "msg");
  const snap = el("a", "snap", "Snapshot");
  snap.href = `/api/cameras/${encodeURIComponent(id)}/snapshot.jpg`;
  snap.download = `${id}.jpg`;
  // Shown in the one-camera view only (style.css).
  const full = el("button", "full", "Full screen");
  full.type = "button";
  full.addEventListener("click", () => root.requestFullscreen?.().catch(() => {}));
  element.append(fps, message, snap, full);
  return { element, parts: { fps, message } };
}
