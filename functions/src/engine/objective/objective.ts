/**
 * The objective interface (XGBoost's ObjFunction): gradients and hessians for boosting, the
 * transform from margins to predictions, and the base margin derived from `base_score`.
 */
import type { ResolvedParams } from '../params.ts';

/** One loss function, registered under its XGBoost name. */
export interface Objective {
  readonly name: string;
  /** Outputs per row (K for multi-class, else 1): the number of trees per round. */
  numGroups(p: ResolvedParams): number;
  /** The metric XGBoost reports when `eval_metric` is not given. */
  readonly defaultMetric: string;
  /** `base_score` as a margin (logit for logistic, identity otherwise). */
  baseMargin(baseScore: number): number;
  /** Throws a DataError naming the first row whose label this loss cannot take. */
  checkLabels(label: Float32Array, p: ResolvedParams): void;
  /**
   * Write grad/hess pairs for every row and group: group k of row r at `gh[(k*n + r)*2]`, so
   * each tree of a round reads one contiguous block.
   */
  gradients(margin: Float32Array, label: Float32Array, weight: Float32Array | undefined, n: number, p: ResolvedParams, gh: Float32Array): void;
  /** Margins → what metrics see (probabilities for classification). */
  evalTransform(margin: Float32Array, n: number, p: ResolvedParams): Float32Array;
  /** Margins → what `predict` returns (class ids for multi:softmax, else as evalTransform). */
  predTransform(margin: Float32Array, n: number, p: ResolvedParams): Float32Array;
  /** The objective's parameter block in XGBoost's model JSON. */
  jsonParams(p: ResolvedParams): Record<string, unknown>;
}
