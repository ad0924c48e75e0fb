/**
 * Feature subsampling per tree, per level and per node (`colsample_bytree`, `_bylevel`,
 * `_bynode`), nested as XGBoost's ColumnSampler: each level draws from the tree's set and each
 * node from its level's set.
 */
import { Random } from '../random.ts';

/** Draws feature subsets for one tree. */
export class ColumnSampler {
  private readonly rng: Random;
  private readonly byLevel: number;
  private readonly byNode: number;
  private readonly tree: Int32Array;
  private readonly levels = new Map<number, Int32Array>();

  constructor(ncol: number, p: { colsample_bytree: number; colsample_bylevel: number; colsample_bynode: number }, rng: Random) {
    this.rng = rng;
    this.byLevel = p.colsample_bylevel;
    this.byNode = p.colsample_bynode;
    const all = new Int32Array(ncol);
    for (let i = 0; i < ncol; i++) all[i] = i;
    this.tree = this.draw(all, p.colsample_bytree);
  }

  private draw(from: Int32Array, frac: number): Int32Array {
    if (frac >= 1) return from;
    const n = Math.max(1, Math.floor(frac * from.length));
    return this.rng.sample(from, n);
  }

  /** The features a node at `depth` may split on. */
  features(depth: number): Int32Array {
    let level = this.levels.get(depth);
    if (!level) {
      level = this.draw(this.tree, this.byLevel);
      this.levels.set(depth, level);
    }
    return this.draw(level, this.byNode);
  }
}
