/**
 * Training many models at once through the engine's worker pool: the eleven models of a bundle,
 * or the folds of a search rung. Jobs that share a feature matrix pass the same array, so the
 * engine ships and bins it once per worker. The single place where the stage meets the
 * engine's training API.
 */
import { Booster, sharedFloat32Array, trainMany, type MatrixData } from '../../engine/index.ts';
import type { ModelTraining } from '../../models/manifest.ts';
import type { EngineParams } from './params.ts';

/** One model to train. */
export interface FitJob {
  params: EngineParams;
  numBoostRound: number;
  /** Scaled features (share one object between jobs on the same rows). */
  data: MatrixData;
  label: Float32Array;
  /** Watched for early stopping and scores (a CV fold's held-out rows). */
  valid?: { data: MatrixData; label: Float32Array };
  earlyStoppingRounds?: number;
  /** XGBoost JSON of a model to continue (incremental update). */
  baseModel?: string;
}

/** What a trained model gives back. */
export interface FitResult {
  modelJson: string;
  /** Best round on `valid` (0-based), or null without early stopping. */
  bestIteration: number | null;
  /** The eval metric on `valid` after each round (empty without `valid`). */
  validHistory: number[];
}

/** The given rows (all when null) of row-major values as an engine matrix. */
export function matrixOf(values: Float32Array, ncol: number, rows: ArrayLike<number> | null): MatrixData {
  if (!rows) return { values, nrow: values.length / ncol, ncol };
  // Shared memory: the training workers read it without a copy.
  const out = sharedFloat32Array(rows.length * ncol);
  for (let k = 0; k < rows.length; k++) out.set(values.subarray(rows[k] * ncol, rows[k] * ncol + ncol), k * ncol);
  return { values: out, nrow: rows.length, ncol };
}

/** A target column (class indices or values) at the given rows, as float32 labels. */
export function labelsOf(column: Int32Array | Float32Array, rows: ArrayLike<number> | null): Float32Array {
  if (!rows) return Float32Array.from(column);
  const out = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
  return out;
}

/** Train every job (worker threads; the engine guarantees the same result as one by one). */
export async function fitMany(jobs: FitJob[], opts: { workers?: number; onDone?: (done: number, total: number) => void } = {}): Promise<FitResult[]> {
  const results = await trainMany(
    jobs.map((j) => ({
      params: j.params,
      data: j.data,
      label: j.label,
      evals: j.valid ? [{ name: 'valid', data: j.valid.data, label: j.valid.label }] : [],
      numBoostRound: j.numBoostRound,
      earlyStoppingRounds: j.valid ? j.earlyStoppingRounds : undefined,
      xgbModel: j.baseModel,
    })),
    { workers: opts.workers || undefined, onProgress: opts.onDone },
  );
  return results.map((r, i) => {
    const j = jobs[i];
    const metric = String(j.params.eval_metric);
    return {
      modelJson: r.modelJson,
      bestIteration: j.valid && j.earlyStoppingRounds ? (r.bestIteration ?? null) : null,
      validHistory: j.valid ? Array.from(r.evalsResult?.valid?.[metric] ?? []) : [],
    };
  });
}

/** The trained models of a bundle by target name: their JSON (to store) and loaded boosters (to evaluate). */
export function fittedModels(
  names: readonly string[],
  fitted: readonly FitResult[],
  training: (index: number) => ModelTraining,
): { models: Record<string, string>; boosters: Record<string, Booster>; engineModels: Record<string, ModelTraining> } {
  const models: Record<string, string> = {};
  const boosters: Record<string, Booster> = {};
  const engineModels: Record<string, ModelTraining> = {};
  names.forEach((name, i) => {
    models[name] = fitted[i].modelJson;
    boosters[name] = Booster.loadModel(fitted[i].modelJson);
    engineModels[name] = training(i);
  });
  return { models, boosters, engineModels };
}
