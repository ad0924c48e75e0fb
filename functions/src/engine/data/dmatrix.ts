/**
 * The training/prediction matrix: dense float32, row-major, NaN for missing, with optional
 * labels, weights and feature names. The quantised form is computed lazily once per `max_bin`
 * and cached, so several models trained on the same matrix bin it once.
 */
import { DataError } from '../../shared/errors.ts';
import { buildGradientIndex, type GradientIndex } from './gradient-index.ts';

/** Optional per-row information and column names. */
export interface DMatrixOptions {
  label?: Float32Array;
  weight?: Float32Array;
  featureNames?: string[];
}

/** A dense float32 matrix with NaN as missing, as XGBoost's DMatrix. */
export class DMatrix {
  readonly data: Float32Array;
  readonly nrow: number;
  readonly ncol: number;
  readonly label?: Float32Array;
  readonly weight?: Float32Array;
  readonly featureNames?: string[];
  private binned = new Map<number, GradientIndex>();

  constructor(data: Float32Array, nrow: number, ncol: number, opts: DMatrixOptions = {}) {
    if (!Number.isInteger(nrow) || !Number.isInteger(ncol) || nrow < 0 || ncol < 1) {
      throw new DataError(`DMatrix shape must be non-negative integers with ncol >= 1, got ${nrow} x ${ncol}`, { stage: 'engine' });
    }
    if (data.length !== nrow * ncol) {
      throw new DataError(`DMatrix data has ${data.length} values, expected ${nrow} x ${ncol} = ${nrow * ncol}`, { stage: 'engine' });
    }
    if (opts.label && opts.label.length !== nrow && (opts.label.length === 0 || opts.label.length % nrow !== 0)) {
      throw new DataError(`label has ${opts.label.length} values for ${nrow} rows`, { stage: 'engine' });
    }
    if (opts.weight && opts.weight.length !== nrow) throw new DataError(`weight has ${opts.weight.length} values for ${nrow} rows`, { stage: 'engine' });
    if (opts.featureNames && opts.featureNames.length !== ncol) {
      throw new DataError(`featureNames has ${opts.featureNames.length} names for ${ncol} columns`, { stage: 'engine' });
    }
    if (opts.weight) {
      for (let i = 0; i < nrow; i++) {
        const w = opts.weight[i];
        if (!(w >= 0) || w === Infinity) throw new DataError(`weight of row ${i} must be a finite number >= 0, got ${w}`, { stage: 'engine', details: { row: i } });
      }
    }
    this.data = data;
    this.nrow = nrow;
    this.ncol = ncol;
    this.label = opts.label;
    this.weight = opts.weight;
    this.featureNames = opts.featureNames;
  }

  /** The quantised matrix for `maxBin` (computed on first use, then cached). */
  gradientIndex(maxBin: number): GradientIndex {
    let g = this.binned.get(maxBin);
    if (!g) {
      g = buildGradientIndex(this.data, this.nrow, this.ncol, maxBin, this.weight);
      this.binned.set(maxBin, g);
    }
    return g;
  }

  /** Adopt bins computed elsewhere for this matrix and its weights (`trainMany` bins once for all workers). */
  useGradientIndex(maxBin: number, gidx: GradientIndex): void {
    if (gidx.nrow !== this.nrow || gidx.ncol !== this.ncol) {
      throw new DataError(`gradient index is ${gidx.nrow} x ${gidx.ncol}, the matrix ${this.nrow} x ${this.ncol}`, { stage: 'engine' });
    }
    this.binned.set(maxBin, gidx);
  }

  /** The same rows with other labels/weights; shares the cached bins when the weights are the same. */
  withInfo(info: { label?: Float32Array; weight?: Float32Array }): DMatrix {
    const d = new DMatrix(this.data, this.nrow, this.ncol, { label: info.label, weight: info.weight, featureNames: this.featureNames });
    if (info.weight === this.weight) d.binned = this.binned;
    return d;
  }

  /** A new matrix holding the given rows (for CV folds and splits); its cut points are its own. */
  slice(rowIndices: ArrayLike<number>): DMatrix {
    const n = rowIndices.length;
    const c = this.ncol;
    const data = new Float32Array(n * c);
    const label = this.label ? new Float32Array(n * (this.label.length / this.nrow)) : undefined;
    const per = this.label ? this.label.length / this.nrow : 0;
    const weight = this.weight ? new Float32Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const r = rowIndices[i];
      if (!Number.isInteger(r) || r < 0 || r >= this.nrow) throw new DataError(`slice: row index ${r} out of range 0..${this.nrow - 1}`, { stage: 'engine' });
      data.set(this.data.subarray(r * c, r * c + c), i * c);
      if (label) for (let k = 0; k < per; k++) label[i * per + k] = this.label![r * per + k];
      if (weight) weight[i] = this.weight![r];
    }
    return new DMatrix(data, n, c, { label, weight, featureNames: this.featureNames });
  }
}
