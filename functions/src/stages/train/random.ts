/**
 * Seeded randomness of the training stage (splits, folds, samples, the search): Mulberry32, so
 * that the same seed gives the same rows on every machine and every run.
 */

/** A deterministic generator of floats in [0, 1). */
export function rng(seed: number, stream = 0): () => number {
  let s = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffle in place (Fisher–Yates) and return the array. */
export function shuffle<T extends { length: number; [i: number]: number }>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** Up to `k` distinct row indices out of `n`, in ascending order. */
export function sampleRows(n: number, k: number, random: () => number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (k >= n) return all;
  shuffle(all, random);
  return all.slice(0, k).sort();
}
