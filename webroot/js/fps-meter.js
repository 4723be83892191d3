// Pictures per second over the last FPS_WINDOW_MS, for a tile's footer.

const FPS_WINDOW_MS = 2000;

export class FpsMeter {
  constructor() {
    this.arrivals = [];         // receive times within FPS_WINDOW_MS; pruned, so bounded by the frame rate
    this.since = performance.now();
  }

  count(now) {
    this.arrivals.push(now);
    this.prune(now);
  }

  reset() {
    this.arrivals.length = 0;
  }

  /** The figure as shown, e.g. "7.5 fps" or "25 fps". */
  label(now) {
    this.prune(now);
    // Divide by the time actually observed so the figure is right just after page load too.
    const span = Math.min(FPS_WINDOW_MS, now - this.since);
    const fps = span > 0 ? (this.arrivals.length * 1000) / span : 0;
    return `${fps < 10 ? fps.toFixed(1) : Math.round(fps)} fps`;
  }

  prune(now) {
    const cutoff = now - FPS_WINDOW_MS;
    let drop = 0;
    while (drop < this.arrivals.length && this.arrivals[drop] < cutoff) drop++;
    if (drop) this.arrivals.splice(0, drop);
  }
}
