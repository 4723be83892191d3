// The one-camera view: one tile alone, filling the window. It is an address, /#camera=<id>: it can be
// bookmarked or shared, and Back leaves it.

const ADDRESS_PREFIX = "#camera=";

export class OneCameraView {
  /** @param {Map<string, import("./tile.js").Tile>} tiles by camera id, as the grid keeps them */
  constructor(tiles) {
    this.tiles = tiles;
    this.tile = null;           // the tile shown alone, or null for the grid
    this.pushed = false;        // whether this page put the address in the history (then Back undoes it)
  }

  /** Whether `tile` is out of sight under the view. */
  hides(tile) {
    return this.tile !== null && this.tile !== tile;
  }

  toggle(tile) {
    if (this.tile === tile) {
      if (this.pushed) {
        this.pushed = false;
        history.back();           // its hashchange closes the view
      } else {
        history.replaceState(null, "", location.pathname + location.search);
        this.followAddress();
      }
    } else {
      this.pushed = true;
      location.hash = ADDRESS_PREFIX.slice(1) + encodeURIComponent(tile.id);
    }
  }

  // Shows the camera the address names; the grid when it names none (or one not in the list yet: the next
  // list brings it).
  followAddress() {
    const hash = location.hash;
    const id = hash.startsWith(ADDRESS_PREFIX) ? decodeURIComponent(hash.slice(ADDRESS_PREFIX.length)) : null;
    this.show(id === null ? null : this.tiles.get(id) || null);
  }

  show(tile) {
    if (this.tile === tile) return;
    this.tile?.root.classList.remove("expanded");
    tile?.root.classList.add("expanded");
    this.tile = tile;
    document.body.classList.toggle("has-expanded", tile !== null);
    // The tiles under the one-camera view are out of sight too.
    for (const t of this.tiles.values()) t.followSight();
    document.title = tile ? `${tile.name} · VisionROI` : "VisionROI";
  }

  /** A tile that goes (its camera left the list) is no longer shown. */
  forget(tile) {
    if (this.tile === tile) this.show(null);
  }

  onHashChange() {
    if (!location.hash.startsWith(ADDRESS_PREFIX)) this.pushed = false;
    this.followAddress();
  }

  onKeydown(ev) {
    // In browser full screen, Escape leaves full screen first (the browser's own), then the view.
    if (ev.key === "Escape" && this.tile && !document.fullscreenElement) this.toggle(this.tile);
  }
}
