/**
 * A small seeded random generator (SplitMix32 mixed into xorshift-style state) so that row and
 * column sampling are reproducible for a given seed, in-process and in worker threads alike.
 */

/** Deterministic pseudo-random numbers in [0, 1) from a 32-bit state. */
export class Random {
  private state: number;

  constructor(seed: number, stream = 0) {
    // Mix seed and stream so that (seed, iteration) pairs give unrelated sequences.
    let s = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.state = (s ^ (s >>> 16)) >>> 0;
  }

  /** The next 32-bit unsigned integer (Mulberry32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** `k` distinct items of `from`, in their original order. */
  sample(from: Int32Array, k: number): Int32Array {
    const pool = Int32Array.from(from);
    const n = pool.length;
    if (k >= n) return pool;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.next() * (n - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.subarray(0, k).sort();
  }
}
