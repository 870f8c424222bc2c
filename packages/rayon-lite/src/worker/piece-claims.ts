// How a worker takes the pieces of a call (the regions and fronts of job-memory.ts): owners and
// thieves alike take a region's next piece with one `Atomics.add`, so a piece is never handed out
// twice nor lost.
import { type JobMemory, NEXT_HOME } from '../job-memory.js';
import { pieceStart } from '../pieces.js';

/**
 * One worker's claims on a call's pieces: first from the front of its home region (the next one
 * no other worker started in), then from whichever region has the most pieces left:
 * `for (let p = claims.next(); p >= 0; p = claims.next()) runPiece(p)`.
 */
export class PieceClaims {
  readonly #fronts: Int32Array;
  readonly #ends: number[];
  readonly #regions: number;
  #home: number;

  constructor(memory: JobMemory, pieces: number, regions: number) {
    this.#fronts = memory.fronts;
    this.#regions = regions;
    this.#ends = [];
    for (let r = 0; r < regions; r++) this.#ends.push(pieceStart(r + 1, pieces, regions));
    const home = Atomics.add(memory.control, NEXT_HOME, 1);
    this.#home = home < regions ? home : -1;
  }

  /** The next piece this worker runs, or -1 when every piece was handed out. */
  next(): number {
    const fronts = this.#fronts;
    if (this.#home >= 0) {
      const piece = Atomics.add(fronts, this.#home, 1);
      if (piece < this.#ends[this.#home]!) return piece;
      this.#home = -1;
    }
    // Not a wait: a retry when other workers took the chosen region's last pieces between the
    // look and the add; it ends once every region is empty.
    for (;;) {
      let best = -1;
      let most = 0;
      for (let r = 0; r < this.#regions; r++) {
        const left = this.#ends[r]! - Atomics.load(fronts, r);
        if (left > most) {
          most = left;
          best = r;
        }
      }
      if (best < 0) return -1;
      const piece = Atomics.add(fronts, best, 1);
      if (piece < this.#ends[best]!) return piece;
    }
  }

  /** Whether some piece was not handed out yet. */
  anyLeft(): boolean {
    for (let r = 0; r < this.#regions; r++) {
      if (Atomics.load(this.#fronts, r) < this.#ends[r]!) return true;
    }
    return false;
  }
}
