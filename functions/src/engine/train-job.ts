/**
 * One job of `trainMany`, runnable in-process or in a worker: matrices are referenced by id and
 * turned into DMatrix objects once per process, so their quantised form is shared by all jobs.
 */
import { Booster } from './booster.ts';
import { DMatrix } from './data/dmatrix.ts';
import type { BoosterParams } from './params.ts';
import { train } from './train.ts';

/** A matrix as sent to workers. */
export interface MatrixSpec {
  values: Float32Array;
  nrow: number;
  ncol: number;
  featureNames?: string[];
}

/** A job with its matrices replaced by ids. */
export interface JobSpec {
  params: BoosterParams;
  data: number;
  label: Float32Array;
  weight?: Float32Array;
  evals: Array<{ name: string; data: number; label: Float32Array; weight?: Float32Array }>;
  numBoostRound: number;
  earlyStoppingRounds?: number;
  xgbModel?: string;
}

/** What a job returns. */
export interface ManyResult {
  modelJson: string;
  evalsResult: Record<string, Record<string, number[]>>;
  bestIteration: number | undefined;
}

/** Per process: DMatrix objects (with their bins) by matrix id. */
export type MatrixCache = Map<number, DMatrix>;

function matrix(id: number, label: Float32Array, weight: Float32Array | undefined, matrices: MatrixSpec[], cache: MatrixCache): DMatrix {
  let base = cache.get(id);
  if (!base) {
    const m = matrices[id];
    base = new DMatrix(m.values, m.nrow, m.ncol, { featureNames: m.featureNames });
    cache.set(id, base);
  }
  return base.withInfo({ label, weight });
}

/** Train one job. */
export function runJob(job: JobSpec, matrices: MatrixSpec[], cache: MatrixCache): ManyResult {
  const dtrain = matrix(job.data, job.label, job.weight, matrices, cache);
  const evals = job.evals.map((e) => ({ name: e.name, data: matrix(e.data, e.label, e.weight, matrices, cache) }));
  const booster = train(job.params, dtrain, {
    numBoostRound: job.numBoostRound,
    evals,
    earlyStoppingRounds: job.earlyStoppingRounds,
    xgbModel: job.xgbModel === undefined ? undefined : Booster.loadModel(job.xgbModel),
  });
  return { modelJson: booster.saveModel(), evalsResult: booster.evalsResult, bestIteration: booster.bestIteration };
}
