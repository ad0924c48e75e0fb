/**
 * The boosting loop (XGBoost's `xgb.train`): per round, gradients from the objective, one tree
 * per class group, evaluation on every eval set, early stopping on the last set's last metric,
 * and continuation from an existing model (`xgb_model`).
 */
import { ConfigError, DataError } from '../shared/errors.ts';
import { Booster } from './booster.ts';
import type { DMatrix } from './data/dmatrix.ts';
import { evaluate, MAXIMIZE_METRICS } from './metrics.ts';
import { validateParams, type BoosterParams, type ResolvedParams } from './params.ts';
import { Random } from './random.ts';
import { HistUpdater, type UpdaterParams } from './tree/hist-updater.ts';

/** What the per-round callback receives. */
export interface IterationInfo {
  /** Round index within this call (0-based). */
  iteration: number;
  /** Metric values of this round, per eval set name. */
  evals: Record<string, Record<string, number>>;
}

/** Options of `train`, named as in XGBoost's Python `train`. */
export interface TrainOptions {
  numBoostRound?: number;
  evals?: Array<{ name: string; data: DMatrix }>;
  earlyStoppingRounds?: number;
  /** Continue from this model: its trees are kept and new ones added. */
  xgbModel?: Booster;
  /** Called after every round; return true to stop. */
  onIteration?: (info: IterationInfo) => void | boolean;
}

function updaterParams(p: ResolvedParams): UpdaterParams {
  const f = Math.fround;
  return {
    eta: f(p.eta),
    gamma: f(p.gamma),
    lambda: f(p.lambda),
    alpha: f(p.alpha),
    maxDeltaStep: f(p.max_delta_step),
    minChildWeight: f(p.min_child_weight),
    maxDepth: p.max_depth,
    maxLeaves: p.max_leaves,
    lossGuide: p.grow_policy === 'lossguide',
    colsample_bytree: p.colsample_bytree,
    colsample_bylevel: p.colsample_bylevel,
    colsample_bynode: p.colsample_bynode,
  };
}

function resolve(params: BoosterParams, model?: Booster): ResolvedParams {
  if (!model) return validateParams(params);
  const merged: BoosterParams = { ...params };
  const mp = model.params;
  merged.objective ??= mp.objective;
  if (mp.objective.startsWith('multi:') && merged.num_class === undefined) merged.num_class = mp.num_class;
  const p = validateParams(merged);
  if (p.objective !== mp.objective) {
    throw new ConfigError(`objective ${p.objective} does not match the model being continued (${mp.objective})`, { key: 'objective' });
  }
  if (p.objective.startsWith('multi:') && p.num_class !== mp.num_class) {
    throw new ConfigError(`num_class ${p.num_class} does not match the model being continued (${mp.num_class})`, { key: 'num_class' });
  }
  p.base_score = mp.base_score;
  return p;
}

/** Train a booster (synchronous and deterministic for a given seed). */
export function train(params: BoosterParams, dtrain: DMatrix, opts: TrainOptions = {}): Booster {
  const p = resolve(params, opts.xgbModel);
  const rounds = opts.numBoostRound ?? 10;
  if (!Number.isInteger(rounds) || rounds < 0) throw new ConfigError(`numBoostRound must be a non-negative integer, got ${rounds}`, { key: 'numBoostRound' });
  const esr = opts.earlyStoppingRounds;
  if (esr !== undefined && !(Number.isInteger(esr) && esr >= 1)) throw new ConfigError(`earlyStoppingRounds must be a positive integer, got ${esr}`, { key: 'earlyStoppingRounds' });
  const evals = opts.evals ?? [];
  if (esr !== undefined && !evals.length) throw new ConfigError('earlyStoppingRounds needs at least one evaluation set', { key: 'earlyStoppingRounds' });
  if (!dtrain.label) throw new DataError('the training matrix has no labels', { stage: 'engine', code: 'NO_LABEL' });
  const label = dtrain.label;
  if (label.length !== dtrain.nrow) throw new DataError(`expected one label per row, got ${label.length} for ${dtrain.nrow} rows`, { stage: 'engine' });

  const booster = opts.xgbModel ? opts.xgbModel.clone() : new Booster(p, dtrain.ncol, dtrain.featureNames);
  booster.params = p;
  if (booster.numFeature !== dtrain.ncol) {
    throw new DataError(`the model being continued has ${booster.numFeature} features, the training data has ${dtrain.ncol}`, { stage: 'engine', code: 'FEATURE_MISMATCH' });
  }
  booster.assertCompatible(dtrain);
  if (!booster.featureNames && dtrain.featureNames) booster.featureNames = [...dtrain.featureNames];
  const obj = booster.objective;
  obj.checkLabels(label, p);
  const k = booster.numGroups;
  const n = dtrain.nrow;
  for (const e of evals) {
    if (e.data.ncol !== dtrain.ncol) throw new DataError(`eval set "${e.name}" has ${e.data.ncol} features, the training data ${dtrain.ncol}`, { stage: 'engine', code: 'FEATURE_MISMATCH' });
    if (!e.data.label) throw new DataError(`eval set "${e.name}" has no labels`, { stage: 'engine', code: 'NO_LABEL' });
    obj.checkLabels(e.data.label, p);
  }

  const margin = booster.predictMargin(dtrain.data, n, dtrain.ncol);
  const evalMargins = evals.map((e) => (e.data === dtrain ? margin : booster.predictMargin(e.data.data, e.data.nrow, e.data.ncol)));
  const metrics = p.eval_metric.length ? p.eval_metric : [obj.defaultMetric];
  const history: Record<string, Record<string, number[]>> = {};
  for (const e of evals) history[e.name] = Object.fromEntries(metrics.map((m) => [m, []]));
  booster.evalsResult = history;

  const up = updaterParams(p);
  const updater = rounds > 0 ? HistUpdater.acquire(dtrain.gradientIndex(p.max_bin)) : null;
  const gh = new Float32Array(n * k * 2);
  const stopMetric = metrics[metrics.length - 1];
  const maximize = MAXIMIZE_METRICS.has(stopMetric);
  let best: { iteration: number; score: number } | null = null;

  for (let i = 0; i < rounds; i++) {
    const iteration = booster.numBoostedRounds();
    const rng = new Random(p.seed, iteration);
    obj.gradients(margin, label, dtrain.weight, n, p, gh);
    const firstTree = booster.trees.length;
    for (let g = 0; g < k; g++) {
      const block = gh.subarray(g * n * 2, (g + 1) * n * 2);
      if (p.subsample < 1) {
        for (let r = 0; r < n; r++) {
          if (rng.next() >= p.subsample) {
            block[2 * r] = 0;
            block[2 * r + 1] = 0;
          }
        }
      }
      booster.addTree(updater!.grow(block, up, rng, margin, k, g), g);
    }
    const round: Record<string, Record<string, number>> = {};
    evals.forEach((e, j) => {
      const m = evalMargins[j];
      if (m !== margin) booster.addToMargin(m, e.data, firstTree);
      const preds = obj.evalTransform(m, e.data.nrow, p);
      round[e.name] = {};
      for (const metric of metrics) {
        const v = evaluate(metric, preds, e.data.label!, { numClass: k > 1 ? k : undefined, weights: e.data.weight });
        round[e.name][metric] = v;
        history[e.name][metric].push(v);
      }
    });
    let stop = false;
    if (esr !== undefined) {
      const score = round[evals[evals.length - 1].name][stopMetric];
      if (!best || (maximize ? score > best.score : score < best.score)) best = { iteration, score };
      else if (iteration - best.iteration >= esr) stop = true;
    }
    if (opts.onIteration?.({ iteration: i, evals: round }) === true) stop = true;
    if (stop) break;
  }
  // Not in a finally: after an error the updater is simply not reused.
  if (updater) HistUpdater.release(updater);

  if (best) {
    booster.bestIteration = best.iteration;
    booster.bestScore = best.score;
    booster.setAttr('best_iteration', String(best.iteration));
    booster.setAttr('best_score', String(best.score));
  } else {
    booster.bestIteration = booster.numBoostedRounds() - 1;
    booster.bestScore = undefined;
    booster.setAttr('best_iteration', String(Math.max(0, booster.bestIteration)));
  }
  booster.setAttr('best_ntree_limit', String((Math.max(0, booster.bestIteration) + 1)));
  return booster;
}
