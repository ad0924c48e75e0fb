/**
 * Split finding on a node's histogram (XGBoost's HistEvaluator): for every candidate feature,
 * scan bins forward (missing values go right) and, when the node has missing values for that
 * feature, backward (missing go left); keep the split with the largest loss reduction, ties
 * going to the lower feature index and the earlier bin, as XGBoost's SplitEntry::Update does.
 */
import type { HistogramCuts } from '../data/histogram-cuts.ts';
import { calcGain, type TreeMathParams } from './tree-math.ts';

/** The best split found for a node (lossChg 0 means "no split"). */
export interface SplitCandidate {
  lossChg: number;
  feature: number;
  /** XGBoost's split_condition: rows with value < this go left. */
  value: number;
  /** Rows whose global bin id is <= splitBin (and not missing) go left. */
  splitBin: number;
  defaultLeft: boolean;
  leftG: number;
  leftH: number;
  rightG: number;
  rightH: number;
}

/** An empty candidate (no split). */
export function noSplit(): SplitCandidate {
  return { lossChg: 0, feature: 0, value: 0, splitBin: -1, defaultLeft: false, leftG: 0, leftH: 0, rightG: 0, rightH: 0 };
}

const f32 = Math.fround;

/**
 * Bound on the float32 rounding in a candidate's gain f32(f32(f32(A) + f32(B)) − R): four
 * roundings of at most 2⁻²⁴ each, relative to A + B + |R|, with ample room for the double
 * arithmetic below; `TINY` covers the absolute error of float32 rounding near zero (subnormals).
 */
const ROUNDING = 1e-6;
const TINY = 1e-40;

/**
 * True when a candidate with scores A = tl²/a and B = tr²/b (a, b > 0) cannot beat `best` even
 * with every rounding in its favour: A + B − R + ε(A + B + |R|) ≤ best, tested without a
 * division as (tl²·b + tr²·a)(1 + ε) ≤ (best + R − ε|R|)·a·b. Most candidates of a node lose by
 * far, and this skips their two divisions; the rest are computed exactly, so the chosen split
 * is the one the exact search picks. Anything not finite is never skipped.
 */
function cannotBeat(tl: number, a: number, tr: number, b: number, rootGain: number, best: number): boolean {
  if (!(a > 0 && b > 0)) return false;
  const num = tl * tl * b + tr * tr * a;
  return num * (1 + ROUNDING) <= (best + rootGain - ROUNDING * Math.abs(rootGain) - TINY) * (a * b);
}

/**
 * Find the best split of a node with sums (G, H) and structure score `rootGain`. The missing
 * sums of feature f sit at bin `missingBase + f` of the histogram.
 */
export function evaluateSplit(
  hist: Float64Array,
  cuts: HistogramCuts,
  missingBase: number,
  features: Int32Array,
  G: number,
  H: number,
  rootGain: number,
  p: TreeMathParams,
  best: SplitCandidate,
): void {
  const mcw = p.minChildWeight;
  const lambda = p.lambda;
  const alpha = p.alpha;
  // Without max_delta_step the gain is T(G)²/(H+λ) (XGBoost's fast path); inline it.
  const plain = p.maxDeltaStep === 0;
  const ptrs = cuts.ptrs;
  const vals = cuts.values;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const b0 = ptrs[f];
    const b1 = ptrs[f + 1];
    if (b0 === b1) continue;
    // Forward: left = bins ≤ i, right = the rest plus missing.
    let lg = 0;
    let lh = 0;
    for (let i = b0; i < b1; i++) {
      const hg = hist[2 * i];
      const hh = hist[2 * i + 1];
      // An empty bin repeats the previous candidate exactly (same sums, same gain): skip it.
      if (hg === 0 && hh === 0) continue;
      lg += hg;
      lh += hh;
      const rg = G - lg;
      const rh = H - lh;
      // Hessians are non-negative: once the right side is too light it stays so.
      if (rh < mcw) break;
      if (lh >= mcw) {
        let gain: number;
        if (plain) {
          const tl = lg > alpha ? lg - alpha : lg < -alpha ? lg + alpha : 0;
          const tr = rg > alpha ? rg - alpha : rg < -alpha ? rg + alpha : 0;
          if (cannotBeat(tl, lh + lambda, tr, rh + lambda, rootGain, best.lossChg)) continue;
          const gl = lh > 0 ? f32((tl * tl) / (lh + lambda)) : 0;
          const gr = rh > 0 ? f32((tr * tr) / (rh + lambda)) : 0;
          gain = f32(f32(gl + gr) - rootGain);
        } else gain = f32(f32(calcGain(p, lg, lh) + calcGain(p, rg, rh)) - rootGain);
        if (gain > best.lossChg && gain !== Infinity) {
          best.lossChg = gain;
          best.feature = f;
          best.value = vals[i];
          best.splitBin = i;
          best.defaultLeft = false;
          best.leftG = lg;
          best.leftH = lh;
          best.rightG = rg;
          best.rightH = rh;
        }
      }
    }
    // Backward only matters when some rows of the node miss this feature: otherwise each of its
    // candidates is a forward candidate again (same partition, same split value).
    const m = missingBase + f;
    if (hist[2 * m] === 0 && hist[2 * m + 1] === 0) continue;
    // Backward: right = bins ≥ i, left = the rest plus missing.
    let ug = 0;
    let uh = 0;
    for (let i = b1 - 1; i >= b0; i--) {
      const hg = hist[2 * i];
      const hh = hist[2 * i + 1];
      if (hg === 0 && hh === 0) continue;
      ug += hg;
      uh += hh;
      const dg = G - ug;
      const dh = H - uh;
      if (dh < mcw) break;
      if (uh >= mcw) {
        let gain: number;
        if (plain) {
          const tu = ug > alpha ? ug - alpha : ug < -alpha ? ug + alpha : 0;
          const td = dg > alpha ? dg - alpha : dg < -alpha ? dg + alpha : 0;
          if (cannotBeat(tu, uh + lambda, td, dh + lambda, rootGain, best.lossChg)) continue;
          const gu = uh > 0 ? f32((tu * tu) / (uh + lambda)) : 0;
          const gd = dh > 0 ? f32((td * td) / (dh + lambda)) : 0;
          gain = f32(f32(gu + gd) - rootGain);
        } else gain = f32(f32(calcGain(p, ug, uh) + calcGain(p, dg, dh)) - rootGain);
        if (gain > best.lossChg && gain !== Infinity) {
          best.lossChg = gain;
          best.feature = f;
          best.value = i === b0 ? cuts.minValues[f] : vals[i - 1];
          best.splitBin = i - 1;
          best.defaultLeft = true;
          best.leftG = dg;
          best.leftH = dh;
          best.rightG = ug;
          best.rightH = uh;
        }
      }
    }
  }
}
