/**
 * Engine parameters (XGBoost names) of each model: the tunable hyperparameters from the config
 * or the search, plus what the target fixes (objective, num_class, eval metric, seed).
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { TargetEncoding } from '../../models/labels.ts';

/** The hyperparameters the search explores (XGBoost names). */
export interface HyperParams {
  max_depth: number;
  eta: number;
  min_child_weight: number;
  subsample: number;
  colsample_bytree: number;
  lambda: number;
}

/** Engine parameters as stored in the manifest. */
export type EngineParams = Record<string, number | string>;

/** The hyperparameters of `training.*`. */
export function configHyperParams(config: RetrainingConfig): HyperParams {
  const t = config.training;
  return {
    max_depth: t.maxDepth,
    eta: t.eta,
    min_child_weight: t.minChildWeight,
    subsample: t.subsample,
    colsample_bytree: t.colsampleBytree,
    lambda: t.lambda,
  };
}

/** The metric early stopping and the search watch for a target. */
export function evalMetric(target: TargetEncoding): 'mlogloss' | 'rmse' {
  return target.kind === 'class' ? 'mlogloss' : 'rmse';
}

/** Full engine parameters of one model. */
export function engineParams(target: TargetEncoding, hp: HyperParams, config: RetrainingConfig): EngineParams {
  return {
    objective: target.objective,
    ...(target.kind === 'class' ? { num_class: target.labels.length } : {}),
    eval_metric: evalMetric(target),
    max_depth: hp.max_depth,
    eta: hp.eta,
    min_child_weight: hp.min_child_weight,
    subsample: hp.subsample,
    colsample_bytree: hp.colsample_bytree,
    lambda: hp.lambda,
    max_bin: config.training.maxBin,
    seed: config.training.seed,
  };
}

/** Parameters of a continued (incremental) model: the parent's with eta × factor. */
export function continuedParams(parent: EngineParams, factor: number): EngineParams {
  return { ...parent, eta: Number((Number(parent.eta) * factor).toPrecision(12)) };
}
