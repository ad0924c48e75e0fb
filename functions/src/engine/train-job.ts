/**
 * One job of `trainMany`, runnable in-process or in a worker: matrices are referenced by id and
 * turned into DMatrix objects once per process, and bins made by the main thread (shared memory)
 * are adopted by id, so every job on a matrix trains on one quantised copy.
 */
import { Booster } from './booster.ts';
import { DMatrix } from './data/dmatrix.ts';
import type { GradientIndex } from './data/gradient-index.ts';
import type { BoosterParams } from './params.ts';
import { train } from './train.ts';

/** A matrix as sent to workers. */
export interface MatrixSpec {
  values: Float32Array;
  nrow: number;
  ncol: number;
  featureNames?: string[];
}

/** Bins of a job's training matrix made once for all jobs with the same matrix, `max_bin` and weights. */
export interface BinsSpec {
  id: number;
  maxBin: number;
  gidx: GradientIndex;
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
  /** Prebuilt bins of `data` (absent: the job bins the matrix itself, once per process). */
  bins?: BinsSpec;
}

/** What a job returns. */
export interface ManyResult {
  modelJson: string;
  evalsResult: Record<string, Record<string, number[]>>;
  bestIteration: number | undefined;
}

/** Per process: DMatrix objects by matrix id, and adopted bins by bins id (one object each, so per-matrix buffers are reused). */
export interface MatrixCache {
  matrices: Map<number, DMatrix>;
  bins: Map<number, GradientIndex>;
}

/** An empty cache. */
export function matrixCache(): MatrixCache {
  return { matrices: new Map(), bins: new Map() };
}

function matrix(id: number, label: Float32Array, weight: Float32Array | undefined, matrices: MatrixSpec[], cache: MatrixCache): DMatrix {
  let base = cache.matrices.get(id);
  if (!base) {
    const m = matrices[id];
    base = new DMatrix(m.values, m.nrow, m.ncol, { featureNames: m.featureNames });
    cache.matrices.set(id, base);
  }
  return base.withInfo({ label, weight });
}

/** Train one job. */
export function runJob(job: JobSpec, matrices: MatrixSpec[], cache: MatrixCache): ManyResult {
  const dtrain = matrix(job.data, job.label, job.weight, matrices, cache);
  if (job.bins) {
    let gidx = cache.bins.get(job.bins.id);
    if (!gidx) {
      gidx = job.bins.gidx;
      cache.bins.set(job.bins.id, gidx);
    }
    dtrain.useGradientIndex(job.bins.maxBin, gidx);
  }
  const evals = job.evals.map((e) => ({ name: e.name, data: matrix(e.data, e.label, e.weight, matrices, cache) }));
  const booster = train(job.params, dtrain, {
    numBoostRound: job.numBoostRound,
    evals,
    earlyStoppingRounds: job.earlyStoppingRounds,
    xgbModel: job.xgbModel === undefined ? undefined : Booster.loadModel(job.xgbModel),
  });
  return { modelJson: booster.saveModel(), evalsResult: booster.evalsResult, bestIteration: booster.bestIteration };
}
