/**
 * The set of session ids already collected, for dropping duplicate sessions. Holds a 64-bit hash
 * per id (8 bytes, not a string), in an open-addressing table, so memory grows by ~16 bytes per
 * collected row rather than by the id's length. Two distinct ids collide with probability about
 * n² / 2⁶⁵ (3 × 10⁻⁸ for a million rows); a collision drops one session as a false duplicate.
 */

/** Two independent 32-bit FNV-1a-style hashes of a string. */
function hash64(s: string, out: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= s.length;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  out[0] = a >>> 0;
  out[1] = b >>> 0 || 1; // (0, 0) marks an empty slot
}

/** A set of strings by 64-bit hash. */
export class SessionSet {
  #slots: Uint32Array;
  #mask: number;
  #size = 0;
  readonly #h = new Uint32Array(2);

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.#slots = new Uint32Array(cap * 2);
    this.#mask = cap - 1;
  }

  /** Number of distinct ids added. */
  get size(): number {
    return this.#size;
  }

  /** Add an id; false when it (or a colliding id) was already there. */
  add(id: string): boolean {
    hash64(id, this.#h);
    const added = this.#insert(this.#h[0], this.#h[1]);
    if (added && ++this.#size * 2 > this.#mask + 1) this.#grow();
    return added;
  }

  #insert(a: number, b: number): boolean {
    const slots = this.#slots;
    let i = a & this.#mask;
    for (;;) {
      const j = i * 2;
      const sb = slots[j + 1];
      if (sb === 0) {
        slots[j] = a;
        slots[j + 1] = b;
        return true;
      }
      if (sb === b && slots[j] === a) return false;
      i = (i + 1) & this.#mask;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = old.length - 1;
    for (let j = 0; j < old.length; j += 2) if (old[j + 1] !== 0) this.#insert(old[j], old[j + 1]);
  }
}
