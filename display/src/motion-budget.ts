/**
 * How many board updates a second may move cards. A card that turns ready flies across, one that leaves
 * shrinks away: worth seeing when it happens now and then. In a rush (staff clearing a queue, a POS
 * replaying a backlog) a board of cards all in flight says nothing more than the new numbers do, and on a
 * screen without a GPU every moving card costs frames: at 20 updates a second in the bench, animating
 * each one dropped 1–1.5% of frames, with no animation 0%. Past the budget, changes apply at once (the
 * just-ready mark still shows which numbers are new).
 *
 * One answer per update, so a card's flight out of one column and into the other are decided together;
 * and at most `perUpdate` cards of one update move (a burst that lands in one frame is a rush too).
 */
export class MotionBudget {
  readonly perSecond: number;
  readonly perUpdate: number;
  #starts: number[] = [];
  #decision: boolean | undefined;
  #cards = 0;
  #now: () => number;
  #nextFrame: (fn: () => void) => void;

  constructor(
    perSecond: number,
    perUpdate: number,
    now: () => number = () => performance.now(),
    nextFrame: (fn: () => void) => void = (fn) => requestAnimationFrame(fn),
  ) {
    this.perSecond = perSecond;
    this.perUpdate = perUpdate;
    this.#now = now;
    this.#nextFrame = nextFrame;
  }

  /** Whether this card (a flight out of a column, or into one) of the update being drawn may move. */
  allow(): boolean {
    if (this.#decision === undefined) {
      const now = this.#now();
      while (this.#starts.length > 0 && now - this.#starts[0]! >= 1_000) this.#starts.shift();
      this.#decision = this.#starts.length < this.perSecond;
      if (this.#decision) this.#starts.push(now);
      this.#cards = 0;
      // The board draws at most one update a frame: the next frame is the next update.
      this.#nextFrame(() => (this.#decision = undefined));
    }
    return this.#decision && this.#cards++ < this.perUpdate;
  }
}
