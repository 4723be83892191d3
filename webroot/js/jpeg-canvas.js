// The JPEG path: each frame the socket brings is decoded and drawn on a canvas.

import { el } from "./dom.js";

export class JpegCanvas {
  /** @param {() => void} onDrawn called after each frame drawn */
  constructor(onDrawn) {
    this.onDrawn = onDrawn;
    this.canvas = el("canvas");
    // Opaque context: cheaper compositing, and the letterbox stays black.
    this.ctx = this.canvas.getContext("2d", { alpha: false });
    this.pending = null;        // newest frame waiting for decode; older ones are dropped
    this.decoding = false;
    this.enabled = true;        // off while the tile plays MP4, and once it is gone
  }

  /** Frames arriving while off are dropped; what was waiting is dropped either way. */
  enable(on) {
    this.enabled = on;
    this.pending = null;
  }

  show(blob) {
    if (!this.enabled) return;
    this.pending = blob;
    if (!this.decoding) this.drawLoop();
  }

  // Decodes one frame at a time; frames arriving meanwhile overwrite `pending`,
  // so a slow decoder skips frames instead of building a queue.
  async drawLoop() {
    this.decoding = true;
    while (this.pending && this.enabled) {
      const blob = this.pending;
      this.pending = null;
      let bitmap;
      try {
        bitmap = await createImageBitmap(blob);
      } catch {
        continue;                   // a corrupt frame is skipped; the next one replaces it
      }
      if (!this.enabled) {
        bitmap.close();
        break;
      }
      this.draw(bitmap);
      this.onDrawn();
    }
    this.decoding = false;
  }

  draw(bitmap) {
    if (this.canvas.width !== bitmap.width || this.canvas.height !== bitmap.height) {
      this.canvas.width = bitmap.width;
      this.canvas.height = bitmap.height;
    }
    this.ctx.drawImage(bitmap, 0, 0);
    bitmap.close();               // release decoded pixels now rather than at GC time
  }
}
