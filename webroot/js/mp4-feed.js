// A tile's MP4 players: which one the socket feeds, which one still shows the last picture, and when to give
// up on MP4 for a camera.

import { MSE, Mp4Player } from "./mp4-player.js";

const MAX_MP4_FAILURES = 2;     // players failing before their first picture, in a row, before JPEG is used

export class Mp4Feed {
  /**
   * @param {HTMLElement} view where the players' videos go
   * @param {{
   *   picture: () => void,
   *   failed: (unplayable: boolean) => void,
   * }} on the current player's first picture; its failure, unplayable when this browser cannot play the type
   */
  constructor(view, on) {
    this.view = view;
    this.on = on;
    this.mime = null;           // the camera's MP4 type, for the next player
    this.player = null;         // the Mp4Player the socket feeds
    this.previous = null;       // the one before, keeping its last picture until the new one shows one
    this.failures = 0;
    this.unplayable = null;     // an MP4 type this browser claimed but failed to play
  }

  /**
   * Whether this browser plays `mime` (Chromium plays no H.265 through MSE), remembering it for the next
   * player when it does.
   */
  accepts(mime) {
    if (!MSE || mime === this.unplayable || !MSE.isTypeSupported(mime)) return false;
    this.mime = mime;
    return true;
  }

  /** An init segment: a new stream, so a new player. */
  start(init) {
    const player = new Mp4Player(this.mime, init, () => this.onPlayerPicture(player),
      () => this.onPlayerFail(player));
    this.replacePlayer(player);
    this.view.append(player.video);
  }

  /** A fragment for the current player. */
  push(data) {
    this.player?.push(data);
  }

  onPlayerPicture(player) {
    if (player !== this.player) return;
    this.previous?.destroy();
    this.previous = null;
    this.failures = 0;
    this.on.picture();
  }

  onPlayerFail(player) {
    if (player !== this.player) return;
    this.replacePlayer(null);
    // Failing twice before any picture: the browser claims the codec but cannot play it after all.
    const unplayable = !player.shown && ++this.failures >= MAX_MP4_FAILURES;
    if (unplayable) this.unplayable = player.mime;
    this.on.failed(unplayable);
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

  /** Removes every player and its video: the tile changes format or goes. */
  stop() {
    this.player?.destroy();
    this.previous?.destroy();
    this.player = null;
    this.previous = null;
  }

  tick() {
    this.player?.tick();
  }
}
