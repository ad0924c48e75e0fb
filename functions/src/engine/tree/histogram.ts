/**
 * Gradient histograms (XGBoost's hist_util): per node, the sums of gradient and hessian in
 * every bin of every feature, interleaved as [g0, h0, g1, h1, …] in a Float64Array. Only the
 * smaller child of a split is built from rows; the larger is parent − smaller.
 */

/**
 * Add the rows `rows[begin..end)` into `hist` (which the caller has zeroed). Rows go in pairs,
 * interleaved feature by feature: twice the independent updates in flight, and every bin still
 * receives its rows in order, so the sums are bit-identical to a row-by-row pass.
 */
export function buildHistogram(
  index: Uint16Array | Uint32Array,
  ncol: number,
  gh: Float32Array,
  rows: Uint32Array,
  begin: number,
  end: number,
  hist: Float64Array,
): void {
  let i = begin;
  for (; i + 2 <= end; i += 2) {
    const r0 = rows[i];
    const r1 = rows[i + 1];
    const g0 = gh[2 * r0];
    const h0 = gh[2 * r0 + 1];
    const g1 = gh[2 * r1];
    const h1 = gh[2 * r1 + 1];
    let p0 = r0 * ncol;
    let p1 = r1 * ncol;
    for (let f = 0; f < ncol; f++, p0++, p1++) {
      const a = index[p0] << 1;
      hist[a] += g0;
      hist[a + 1] += h0;
      const b = index[p1] << 1;
      hist[b] += g1;
      hist[b + 1] += h1;
    }
  }
  if (i < end) {
    const r = rows[i];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    for (let p = r * ncol, stop = p + ncol; p < stop; p++) {
      const b = index[p] << 1;
      hist[b] += g;
      hist[b + 1] += h;
    }
  }
}

/** Add every row 0..n−1 into `hist` (the root: no row indirection), two rows at a time. */
export function buildRootHistogram(index: Uint16Array | Uint32Array, ncol: number, gh: Float32Array, n: number, hist: Float64Array): void {
  let r = 0;
  for (; r + 2 <= n; r += 2) {
    const g0 = gh[2 * r];
    const h0 = gh[2 * r + 1];
    const g1 = gh[2 * r + 2];
    const h1 = gh[2 * r + 3];
    let p0 = r * ncol;
    let p1 = p0 + ncol;
    for (let f = 0; f < ncol; f++, p0++, p1++) {
      const a = index[p0] << 1;
      hist[a] += g0;
      hist[a + 1] += h0;
      const b = index[p1] << 1;
      hist[b] += g1;
      hist[b + 1] += h1;
    }
  }
  if (r < n) {
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    for (let p = r * ncol, stop = p + ncol; p < stop; p++) {
      const b = index[p] << 1;
      hist[b] += g;
      hist[b + 1] += h;
    }
  }
}

/** `out = parent − child`, element-wise (histogram subtraction). */
export function subtractHistogram(parent: Float64Array, child: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = parent[i] - child[i];
}

/** Recycles histogram buffers of one size so that growing a tree allocates almost nothing. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  private readonly size: number;

  constructor(totalBins: number) {
    this.size = totalBins * 2;
  }

  /** A zeroed buffer. */
  acquire(): Float64Array {
    const b = this.free.pop();
    if (b) {
      b.fill(0);
      return b;
    }
    return new Float64Array(this.size);
  }

  /** Give a buffer back for reuse. */
  release(b: Float64Array): void {
    this.free.push(b);
  }
}
