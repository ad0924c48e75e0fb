/**
 * A trained model (XGBoost's Booster over gbtree): the trees with their class groups, the
 * objective and base score, feature names and string attributes. Predicts, explains, and
 * reads and writes XGBoost's JSON model format.
 */
import { DataError } from '../shared/errors.ts';
import type { DMatrix } from './data/dmatrix.ts';
import { featureImportance, type ImportanceType } from './importance.ts';
import { modelFromJSON, modelToJSON, stringifyModel, xgbFloatString, type ModelState } from './model-json.ts';
import { WRITTEN_VERSION } from './model-keys.ts';
import { getObjective } from './objective/registry.ts';
import type { Objective } from './objective/objective.ts';
import { validateParams, type ResolvedParams } from './params.ts';
import { predictRowForest } from './predict-row.ts';
import { flattenForest, predictForest, predictLeaves, type FlatForest } from './predictor.ts';
import type { RegTree } from './tree/regtree.ts';

/** Options of `Booster.predict`. */
export interface PredictOptions {
  /** Raw margins instead of transformed predictions. */
  outputMargin?: boolean;
  /** Boosting rounds [begin, end) to use; [0, 0] (default) means all. */
  iterationRange?: [number, number];
  /** Leaf index of every row in every tree (n × trees) instead of predictions. */
  predLeaf?: boolean;
}

/** A gradient-boosted tree model compatible with XGBoost. */
export class Booster {
  /** The parameters of the last training (or those recoverable from a loaded model). */
  params: ResolvedParams;
  featureNames?: string[];
  featureTypes: string[] = [];
  readonly numFeature: number;
  /** Per evaluation set and metric, one value per round of the last training. */
  evalsResult: Record<string, Record<string, number[]>> = {};
  /** Best round (absolute, 0-based) after early stopping. */
  bestIteration?: number;
  bestScore?: number;
  /** Class group of each tree. */
  readonly treeInfo: number[] = [];
  readonly trees: RegTree[] = [];
  private attrs: Record<string, string> = {};
  private forest: FlatForest | null = null;

  constructor(params: ResolvedParams, numFeature: number, featureNames?: string[]) {
    this.params = params;
    this.numFeature = numFeature;
    this.featureNames = featureNames && featureNames.length ? [...featureNames] : undefined;
  }

  /** The objective implementation. */
  get objective(): Objective {
    return getObjective(this.params.objective);
  }

  /** Trees per round (K for multi-class, else 1). */
  get numGroups(): number {
    return this.objective.numGroups(this.params);
  }

  /** Number of boosting rounds in the model. */
  numBoostedRounds(): number {
    return Math.floor(this.trees.length / this.numGroups);
  }

  /** Append a tree for class `group` (used by training). */
  addTree(tree: RegTree, group: number): void {
    this.trees.push(tree);
    this.treeInfo.push(group);
    this.forest = null;
  }

  /** Add trees from index `firstTree` on to margins of `d` (incremental evaluation during training). */
  addToMargin(margin: Float32Array, d: DMatrix, firstTree: number): void {
    const fresh = this.trees.slice(firstTree);
    predictForest(flattenForest(fresh, this.treeInfo.slice(firstTree)), 0, fresh.length, d.data, d.nrow, d.ncol, this.numGroups, margin);
  }

  /** The margin every row starts from. */
  baseMargin(): number {
    return this.objective.baseMargin(this.params.base_score);
  }

  /** Margins (n × groups) of rows in `data` using rounds [begin, end). */
  predictMargin(data: Float32Array, nrow: number, ncol: number, begin = 0, end = this.numBoostedRounds()): Float32Array {
    const k = this.numGroups;
    const out = new Float32Array(nrow * k).fill(this.baseMargin());
    predictForest(this.flatForest(), begin * k, end * k, data, nrow, ncol, k, out);
    return out;
  }

  /** The trees flattened for prediction (made on first use, kept until a tree is added). */
  flatForest(): FlatForest {
    return (this.forest ??= flattenForest(this.trees, this.treeInfo));
  }

  /**
   * Margins (one per group) of a single row of `numFeature` values, written into `out` (reused by
   * callers that predict one row at a time, like the serving path). Equal to `predictMargin`'s.
   */
  predictRowMargin(row: Float32Array, out: Float32Array = new Float32Array(this.numGroups)): Float32Array {
    out.fill(this.baseMargin(), 0, this.numGroups);
    predictRowForest(this.flatForest(), 0, this.trees.length, row, out);
    return out;
  }

  /** Throws a DataError when `d` has another feature count, or other feature names, than the model. */
  assertCompatible(d: DMatrix): void {
    if (d.ncol !== this.numFeature) {
      throw new DataError(`the model expects ${this.numFeature} features, the data has ${d.ncol}`, { stage: 'engine', code: 'FEATURE_MISMATCH' });
    }
    if (this.featureNames && d.featureNames) {
      const i = this.featureNames.findIndex((n, j) => d.featureNames![j] !== n);
      if (i >= 0) {
        throw new DataError(`feature ${i} is "${d.featureNames[i]}" in the data but "${this.featureNames[i]}" in the model`, {
          stage: 'engine',
          code: 'FEATURE_MISMATCH',
          details: { column: i },
        });
      }
    }
  }

  /** The boosting rounds [begin, end) that `iterationRange` selects ([0, 0] or none: all); throws a DataError outside the model. */
  roundRange(iterationRange: [number, number] = [0, 0]): [number, number] {
    const rounds = this.numBoostedRounds();
    let [begin, end] = iterationRange;
    if (begin === 0 && end === 0) end = rounds;
    if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && begin <= end && end <= rounds)) {
      throw new DataError(`iterationRange [${begin}, ${end}) is outside the model's ${rounds} rounds`, { stage: 'engine', code: 'BAD_RANGE' });
    }
    return [begin, end];
  }

  /** Predictions (probabilities or values; n × K for multi:softprob), margins, or leaf indices. */
  predict(d: DMatrix, opts: PredictOptions = {}): Float32Array {
    this.assertCompatible(d);
    const [begin, end] = this.roundRange(opts.iterationRange);
    if (opts.predLeaf) {
      const k = this.numGroups;
      return predictLeaves(this.flatForest(), begin * k, end * k, d.data, d.nrow, d.ncol);
    }
    const margin = this.predictMargin(d.data, d.nrow, d.ncol, begin, end);
    if (opts.outputMargin) return margin;
    return this.objective.predTransform(margin, d.nrow, this.params);
  }

  /** Importance of each used feature (XGBoost's get_score). */
  featureImportance(type: ImportanceType = 'weight'): Record<string, number> {
    return featureImportance(this.trees, this.featureNames, type);
  }

  /** Set (or with null, delete) a string attribute stored in the model file. */
  setAttr(key: string, value: string | null): void {
    if (value === null) delete this.attrs[key];
    else this.attrs[key] = String(value);
  }

  /** A string attribute, or undefined. */
  getAttr(key: string): string | undefined {
    return this.attrs[key];
  }

  /** All attributes. */
  attributes(): Record<string, string> {
    return { ...this.attrs };
  }

  /** The model in XGBoost's JSON layout as an object (float32 values as numbers); `saveModel` writes the text XGBoost reads. */
  toJSON(): Record<string, unknown> {
    const p = this.params;
    const state: ModelState = {
      objective: p.objective,
      objectiveParams: { scale_pos_weight: xgbFloatString(p.scale_pos_weight), huber_slope: xgbFloatString(p.huber_slope) },
      baseScore: p.base_score,
      numClass: p.objective.startsWith('multi:') ? p.num_class : 0,
      numFeature: this.numFeature,
      trees: this.trees,
      treeInfo: this.treeInfo,
      featureNames: this.featureNames ?? [],
      featureTypes: this.featureTypes,
      attributes: this.attrs,
      version: WRITTEN_VERSION,
    };
    return modelToJSON(state);
  }

  /** XGBoost JSON model text (loadable by `xgboost.Booster(model_file=…)`). */
  saveModel(): string {
    return stringifyModel(this.toJSON());
  }

  /** Read an XGBoost JSON model (text or parsed); errors name the offending key. */
  static loadModel(input: string | object): Booster {
    const m = modelFromJSON(input);
    const raw: Record<string, unknown> = { objective: m.objective, base_score: m.baseScore };
    if (m.objective.startsWith('multi:')) raw.num_class = m.numClass;
    if (m.objectiveParams.scale_pos_weight !== undefined) raw.scale_pos_weight = m.objectiveParams.scale_pos_weight;
    if (m.objectiveParams.huber_slope !== undefined) raw.huber_slope = m.objectiveParams.huber_slope;
    let params: ResolvedParams;
    try {
      params = validateParams(raw);
    } catch (err) {
      throw new DataError(`model: ${(err as Error).message} (learner.objective / learner.learner_model_param)`, {
        stage: 'engine',
        code: 'MODEL_INVALID',
        details: { key: 'learner.objective.name' },
        cause: err,
      });
    }
    const b = new Booster(params, m.numFeature, m.featureNames);
    b.featureTypes = m.featureTypes;
    const k = b.numGroups;
    if (m.trees.length % k !== 0) {
      throw new DataError(`model has ${m.trees.length} trees, not a multiple of ${k} classes`, { stage: 'engine', code: 'MODEL_INVALID', details: { key: 'learner.gradient_booster.model.trees' } });
    }
    m.trees.forEach((t, i) => b.addTree(t, m.treeInfo[i]));
    b.attrs = { ...m.attributes };
    if (m.attributes.best_iteration !== undefined) b.bestIteration = Number(m.attributes.best_iteration);
    if (m.attributes.best_score !== undefined) b.bestScore = Number(m.attributes.best_score);
    return b;
  }

  /** An independent copy (trees are shared read-only; new trees go to the copy only). */
  clone(): Booster {
    return Booster.loadModel(this.toJSON());
  }
}
